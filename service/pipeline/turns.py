"""Notes of a transcript: each turn split into ideas, each idea with its speaker, role,
turn, times and the facilitator's question it answers.

- Roles: the speakers named at upload are facilitators (in a document where one of them
  speaks); otherwise the one speaker who asks clearly the most questions is. Everyone
  else is a participant. With fewer than two speakers, or nobody asking, roles stay
  unknown.
- A facilitator's questions are not notes: the run of questions a facilitator's turn
  ends with becomes the guiding ``question`` of the turns after it (unless it only
  passes the word on: see ``MIN_GUIDING_WORDS``), so comparing by question works for
  transcripts as for Learning Cafes. The facilitator's other sentences are notes.
- A turn up to ``MAX_NOTE_CHARS`` is one note; a longer one is cut at sentence ends
  into notes of at most that length, preferring a cut where a sentence opens a new
  point ("Toinen asia", "Lisäksi", "Toisaalta").
- Back-channels ("Joo.", "Kiitos.", "Niin just.") and sentences under
  ``MIN_NOTE_WORDS`` words are no notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from service.pipeline.document import NoteDraft, ParsedDocument, SpeakerRole, Turn
from service.pipeline.langid import detect_language
from service.pipeline.leftovers import MIN_NOTE_WORDS
from service.pipeline.sentences import split_sentences

__all__ = ["BACK_CHANNEL_WORDS", "MAX_NOTE_CHARS", "speaker_roles", "transcript_notes"]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_NOTE_CHARS = 400  # as for prose paragraphs: a longer stretch holds several ideas
MIN_SHIFT_CHARS = 120  # a new point starts a new note once the current one is this long
MIN_QUESTIONS = 2  # a facilitator found by counting must have asked at least this many
# A question with fewer words of its own than this passes the word on ("Sanna, miten
# teillä?", "Entä mitä mieltä te muut olette?"); it sets no new topic.
MIN_GUIDING_WORDS = 2
FOLLOW_UP_WORDS = _word_set(
    "miten mitä mikä mitäs entä entäs kuinka millainen onko onks oletteko oletko olette "
    "teillä sinulla muilla meillä te sinä sä muut mieltä ja no sitten vielä kukaan joku "
    "haluaako haluaisiko haluatko kommentoida kommentteja lisättävää lisää tähän siitä "
    "what about you and others anyone else"
)
# A sentence made only of these words says "I hear you", not an idea.
BACK_CHANNEL_WORDS = _word_set(
    "joo juu jep jees joo-o niin nii niinpä kiitos kiitti okei ok okay selvä hyvä hienoa "
    "kiva aivan totta kyllä mm mmm mhm hmm öö ää aa no just justiinsa näin juuri tosiaan "
    "ahaa aha jaa jaha tottakai tietysti ihan se on se oli noin yes yeah right sure thanks "
    "thank you good great ja tosi hei moi terve hyvää huomenta päivää iltapäivää kaikille "
    "tervetuloa welcome hello everyone"
)
_SHIFT_RE = re.compile(
    r"(?i)(?:toinen|toiseksi|kolmas|kolmanneksi|neljäs|lisäksi|toisaalta|sitten|entä|myös"
    r"|yksi asia|ensinnäkin|ensimmäinen|mutta|another|also|secondly|finally|lopuksi)\b"
)
_WORD_RE = re.compile(r"[\w-]+")


def transcript_notes(
    document: ParsedDocument, facilitators: Collection[str] = ()
) -> tuple[NoteDraft, ...]:
    """Notes of every turn in order; ``position`` runs 0..n-1, kind "turn"."""
    text = document.text
    roles = speaker_roles(text, document.turns, facilitators)
    names = {part.casefold() for t in document.turns for part in (t.speaker or "").split()}
    notes: list[NoteDraft] = []
    question: str | None = None
    for index, turn in enumerate(document.turns):
        role = roles.get(turn.speaker)
        sentences = [
            (turn.start + a, turn.start + b)
            for a, b in split_sentences(text[turn.start : turn.end])
        ]
        asked: list[tuple[int, int]] = []
        if role == "facilitator":
            asked = _closing_questions(text, sentences)
            sentences = [span for span in sentences if not _is_question(text, span)]
        kept = [span for span in sentences if _is_idea(text[span[0] : span[1]])]
        for start, end in _ideas(text, kept):
            body = text[start:end]
            start_time, end_time = _times(turn, start, end)
            notes.append(
                NoteDraft(
                    body, start, end, len(notes), "turn", None, question,
                    language=detect_language(body), speaker=turn.speaker, speaker_role=role,
                    turn=index, start_time=start_time, end_time=end_time,
                )
            )  # fmt: skip
        guiding = " ".join(text[a:b] for a, b in asked)
        if _own_words(guiding, names) >= MIN_GUIDING_WORDS:
            question = guiding
    return tuple(notes)


def speaker_roles(
    text: str, turns: Sequence[Turn], facilitators: Collection[str] = ()
) -> dict[str | None, SpeakerRole]:
    """Role of each speaker: the named facilitators where any of them speaks here, else the
    clear top asker of questions."""
    speakers = list(dict.fromkeys(turn.speaker for turn in turns))
    named = {name.casefold().strip() for name in facilitators if name.strip()}
    # Names given for a whole upload of several files count where those people speak.
    if named & {(s or "").casefold() for s in speakers}:
        return {
            s: "facilitator" if (s or "").casefold() in named else "participant" for s in speakers
        }
    if len(speakers) < 2:
        return {}
    asked: Counter[str | None] = Counter()
    for turn in turns:
        spans = split_sentences(text[turn.start : turn.end])
        asked[turn.speaker] += sum(
            1 for a, b in spans if _is_question(text, (turn.start + a, turn.start + b))
        )
    ranked = asked.most_common(2)
    top, count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if count < MIN_QUESTIONS or count <= runner_up:
        return {}
    return {s: "facilitator" if s == top else "participant" for s in speakers}


def _is_question(text: str, span: tuple[int, int]) -> bool:
    sentence = text[span[0] : span[1]].rstrip("\"'”’») ")
    return sentence.endswith("?") and len(_WORD_RE.findall(sentence)) >= MIN_NOTE_WORDS


def _own_words(question: str, names: set[str]) -> int:
    """Words of a question that are neither follow-up words nor a speaker's name."""
    words = (w.casefold() for w in _WORD_RE.findall(question))
    return sum(1 for w in words if w not in FOLLOW_UP_WORDS and w not in names)


def _closing_questions(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The questions a turn ends with (back-channels after them aside)."""
    closing: list[tuple[int, int]] = []
    for span in reversed(sentences):
        if _is_question(text, span):
            closing.insert(0, span)
        elif closing or _is_idea(text[span[0] : span[1]]):
            break
    return closing


def _is_idea(sentence: str) -> bool:
    words = [w.casefold() for w in _WORD_RE.findall(sentence)]
    return len(words) >= MIN_NOTE_WORDS and not all(w in BACK_CHANNEL_WORDS for w in words)


def _ideas(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Consecutive sentences grouped into notes of at most MAX_NOTE_CHARS (a longer
    single sentence stays whole), cut early where a sentence opens a new point."""
    ideas: list[tuple[int, int]] = []
    for start, end in sentences:
        if ideas:
            first, last = ideas[-1]
            adjacent = not text[last:start].strip()
            length = end - first
            shift = last - first >= MIN_SHIFT_CHARS and _SHIFT_RE.match(text, start) is not None
            if adjacent and length <= MAX_NOTE_CHARS and not shift:
                ideas[-1] = (first, end)
                continue
        ideas.append((start, end))
    return ideas


def _times(turn: Turn, start: int, end: int) -> tuple[float | None, float | None]:
    """Start of the cue holding a note's first character, end of the one holding its last."""
    first = next((c for c in reversed(turn.cues) if c.start <= start), None)
    last = next((c for c in turn.cues if c.end >= end), None)
    return (
        first.start_time if first is not None else turn.start_time,
        last.end_time if last is not None else turn.end_time,
    )
