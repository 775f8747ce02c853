"""Read transcripts — WebVTT, SRT, and Teams/Zoom/plain-text speaker lines — into turns.

Every reader returns ``SpokenCue``s (who said what, when); ``assemble`` merges the
cues of one speaker in a row into a ``Turn`` (Teams cuts cues mid-sentence, so a turn
is the unit, not a cue) and lays the turns out as the document's stored text::

    Liisa Korhonen [00:00:03]
    Tervetuloa kaikki. Aloitetaan esittelyillä.

    Matti Virtanen [00:00:09]
    ...

Recording boilerplate ("aloitti transkription", "Recording started") never becomes a cue.
Readers raise ``ParseError`` for files they cannot read; ``speaker_cues`` returns None
for text that is not a transcript, so ordinary notes are never mistaken for one.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.pipeline.document import Cue, Turn
from service.pipeline.errors import ParseError, finnish_name

__all__ = [
    "SpokenCue",
    "assemble",
    "is_boilerplate",
    "read_srt",
    "read_vtt",
    "speaker_cues",
]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A new turn of an unnamed speaker (subtitles without names) starts after a pause this long.
TURN_PAUSE_SECONDS = 2.0
MAX_SPEAKER_CHARS = 60
# Speaker lines must be this share of a text's non-empty lines (after any title lines)
# before it is read as a transcript: bullets or "Tavoite: ..." lines do not get there.
MIN_SPEAKER_LINE_SHARE = 0.3
MIN_SPEAKER_LINES = 4
ROLE_WORDS = _word_set(
    "puhuja osallistuja haastattelija haastateltava vastaaja fasilitaattori moderaattori "
    "puheenjohtaja sihteeri kouluttaja ohjaaja vetäjä speaker participant interviewer "
    "interviewee respondent facilitator moderator chair host talare deltagare"
)

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# A name: one to four words, each capitalised or a number ("Osallistuja 3", "Liisa
# Korhonen", "H", "V1", "Anna-Maija af Heurlin").
_NAME = r"[A-ZÅÄÖÜ][\w.'’-]*(?: (?:[A-ZÅÄÖÜ][\w.'’-]*|\d{1,3}|af|von|van|de|la)){0,3}"
# "Liisa Korhonen   0:03" (Teams), "[Liisa Korhonen] 10:02:31" (Zoom), "0:03 Liisa Korhonen".
_HEADER_RE = re.compile(
    rf"(?:\[?(?P<name>{_NAME})\]?\s+\(?(?P<time>{_TIME})\)?|\(?(?P<time2>{_TIME})\)?\s+(?P<name2>{_NAME}))"
)
# "[00:12:31] Osallistuja 3: text", "Liisa (0:03): text", "H: text".
_PREFIX_RE = re.compile(
    rf"(?:[\[(]?(?P<time>{_TIME})[\])]?\s*[-–]?\s*)?(?P<name>{_NAME})"
    rf"(?:\s*[\[(](?P<time2>{_TIME})[\])])?\s*:\s+(?P<body>\S.*)"
)
_VOICE_PREFIX_RE = re.compile(rf"(?P<name>{_NAME})\s*:\s+(?P<body>\S.*)", re.DOTALL)
_BRACKET_SPEAKER_RE = re.compile(rf"[\[(](?P<name>{_NAME})[\])]\s*:?\s*(?P<body>\S.*)", re.DOTALL)
_BOILERPLATE_RE = re.compile(
    r"(?i)(?:.{0,80}\b(?:aloitti|lopetti|keskeytti) (?:transkription|tallennuksen|nauhoituksen)"
    r"|.{0,80}\b(?:started|stopped|paused) (?:transcription|recording)"
    r"|(?:transkriptio|tallennus|nauhoitus|recording|transcription) "
    r"(?:aloitettu|aloitettiin|päättyi|lopetettu|started|stopped|in progress|ended)"
    r"|.{0,80}\b(?:liittyi kokoukseen|poistui kokouksesta|joined the meeting|left the meeting)"
    r"|(?:\[|\()?(?:naurua|naurahdus|tauko|epäselvä|inaudible|laughter|crosstalk|music|musiikkia)"
    r"(?:\]|\))?)[.!]?"
)
_TAG_RE = re.compile(r"<[^>]{0,200}>")
_NAME_RE = re.compile(_NAME)
_LOOSE_STAMP = r"(\d{1,3}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?)"
_LOOSE_TIMING_RE = re.compile(rf"{_LOOSE_STAMP}\s*-->\s*{_LOOSE_STAMP}(?:\s.*)?")
_STAMP = r"(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING_RE = re.compile(rf"{_STAMP}\s*-->\s*{_STAMP}(?:\s|$)")


@dataclass(frozen=True)
class SpokenCue:
    """One cue of a transcript as read: speaker (None when the file does not say), text
    (one line, tags and entities resolved) and times in seconds (None when not given)."""

    speaker: str | None
    text: str
    start_time: float | None = None
    end_time: float | None = None


def is_boilerplate(text: str) -> bool:
    """Whether a line is the recorder talking ("X aloitti transkription", "[naurua]")."""
    return len(text) <= 200 and _BOILERPLATE_RE.fullmatch(text.strip()) is not None


def seconds(stamp: str) -> float:
    """'01:02:03.5', '2:03,5' or '0:03' -> seconds (3723.5, 123.5, 3.0)."""
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def clock(time: float) -> str:
    """Seconds -> 'hh:mm:ss'."""
    whole = int(time)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _one_line(text: str) -> str:
    text = unicodedata.normalize("NFC", html.unescape(_TAG_RE.sub("", text)))
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _clean_speaker(name: str | None) -> str | None:
    name = _one_line(name or "")[:MAX_SPEAKER_CHARS]
    return name or None


def read_vtt(text: str) -> list[SpokenCue]:
    """Cues of a WebVTT file: ``<v Name>`` voice tags (Teams), "Name: " prefixes (Zoom)."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ParseError(
            "This WebVTT file does not start with 'WEBVTT': export the transcript again "
            "(or upload it as .txt).",
            finnish="WebVTT-tiedosto ei ala sanalla 'WEBVTT': vie litterointi uudelleen (tai "
            "lataa se .txt-tiedostona).",
        )
    return _read_captions(text, "vtt", "WebVTT file", "00:00:01.000 --> 00:00:04.000")


def read_srt(text: str) -> list[SpokenCue]:
    """Cues of an SRT file; a speaker is named by a "Name:" or "[Name]" prefix."""
    if "-->" not in text:
        raise ParseError(
            "No subtitles were found in the SRT file: check that it is a SubRip file "
            "(numbered cues with '-->' times).",
            finnish="SRT-tiedostosta ei löytynyt tekstityksiä: tarkista, että se on "
            "SubRip-tiedosto (numeroidut jaksot ja '-->'-ajat).",
        )
    return _read_captions(text, "srt", "SRT file", "00:00:01,000 --> 00:00:04,000")


def _read_captions(text: str, fmt: str, what: str, example: str) -> list[SpokenCue]:
    """webvtt-py reads both formats; it skips a cue whose timing it cannot read without a
    word, so every timing line is checked here too."""
    import webvtt  # imported late: only transcripts pay for it

    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt).captions
    except Exception:  # MalformedFileError, and ValueErrors on odd timestamps
        captions = None
    lines = text.split("\n")
    timings = [i for i, line in enumerate(lines) if "-->" in line]
    if captions is None or len(captions) < len(timings):
        bad = next((i for i in timings if not _TIMING_RE.match(lines[i].strip())), None)
        where = f"the cue timing on line {bad + 1} is malformed" if bad is not None else "damaged"
        where_fi = "vioittunut" if bad is None else f"rivin {bad + 1} aikamerkintä on virheellinen"
        raise ParseError(
            f"The {what} could not be read ({where}): every cue needs a '{example}' line "
            "and its text. Export it again.",
            finnish=f"{finnish_name(what)} ei avautunut ({where_fi}): jokainen jakso tarvitsee "
            f"rivin '{example}' ja tekstinsä. Vie se uudelleen.",
        )
    cues: list[SpokenCue] = []
    for caption in captions:
        speaker = caption.voice
        body = _one_line(caption.raw_text)
        if speaker is None:
            speaker, body = _named_body(body)
        cues.append(
            SpokenCue(_clean_speaker(speaker), body, seconds(caption.start), seconds(caption.end))
        )
    return _inherit_speakers(cues)


def _named_body(body: str) -> tuple[str | None, str]:
    match = _VOICE_PREFIX_RE.fullmatch(body) or _BRACKET_SPEAKER_RE.fullmatch(body)
    if match is None or len(match["name"]) > MAX_SPEAKER_CHARS:
        return None, body
    return _clean_speaker(match["name"]), match["body"]


def _inherit_speakers(cues: list[SpokenCue]) -> list[SpokenCue]:
    """Cues that name no speaker continue the turn before them; boilerplate goes."""
    kept: list[SpokenCue] = []
    speaker: str | None = None
    for cue in cues:
        speaker = cue.speaker or speaker
        if cue.text and not is_boilerplate(cue.text):
            kept.append(SpokenCue(speaker, cue.text, cue.start_time, cue.end_time))
    return kept


def speaker_cues(text: str, *, declared: bool = False) -> list[SpokenCue] | None:
    """Read a plain text (or a Word file's paragraphs) as a transcript, if it is one.

    Two layouts are recognised: a header line per turn ("Liisa Korhonen   0:03", then
    the turn's lines), and a prefix on each turn's first line ("[00:12:31] Osallistuja
    3: ..."). Returns None when too few lines name a speaker (see MIN_SPEAKER_LINES,
    MIN_SPEAKER_LINE_SHARE) or fewer than two speakers take turns. Prefixes without
    times must name speakers the way transcripts do (two words, a role word, a number:
    "Liisa Korhonen:", "Haastattelija:", "H2:") unless ``declared``: otherwise notes
    of "Haaste: ..." and "Ratkaisu: ..." lines would read as a dialogue.
    """
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if lines and lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        return read_vtt(text)  # a WebVTT file renamed .txt, as some users are told to do
    for layout in (_cue_block_layout, _header_layout):
        cues = layout(lines)
        if cues is not None:
            return cues
    return _prefix_layout(lines, declared)


def _looks_like_transcript(speakers: Sequence[str], line_count: int) -> bool:
    counts = Counter(speakers)
    return (
        len(speakers) >= MIN_SPEAKER_LINES
        and len(speakers) >= MIN_SPEAKER_LINE_SHARE * line_count
        and len(counts) >= 2
        and counts.most_common(1)[0][1] >= 2
    )


def _speaker_like(name: str) -> bool:
    words = name.split()
    return (
        len(words) >= 2
        or any(c.isdigit() for c in name)
        or len(name) <= 2
        or name.casefold().rstrip("0123456789 ") in ROLE_WORDS
    )


def _cue_block_layout(lines: Sequence[str]) -> list[SpokenCue] | None:
    """Blocks of a timing line, a speaker's name line, and the text (Teams' older Word and
    text exports; an SRT or VTT pasted into a document). The name line may be missing."""
    timed = [i for i, line in enumerate(lines) if _LOOSE_TIMING_RE.fullmatch(line)]
    if len(timed) < MIN_SPEAKER_LINES // 2 or len(timed) < 0.25 * (len(lines) - timed[0]):
        return None
    cues: list[SpokenCue] = []
    for position, index in enumerate(timed):
        following = timed[position + 1] if position + 1 < len(timed) else len(lines)
        match = _LOOSE_TIMING_RE.fullmatch(lines[index])
        assert match is not None
        body = [line for line in lines[index + 1 : following] if not line.isdigit()]
        speaker = None
        if len(body) > 1 and len(body[0]) <= MAX_SPEAKER_CHARS and _NAME_RE.fullmatch(body[0]):
            speaker, body = body[0], body[1:]
        if not body:
            continue
        text = _one_line(" ".join(body))
        speaker, text = (speaker, text) if speaker else _named_body(text)
        cues.append(SpokenCue(_clean_speaker(speaker), text, seconds(match[1]), seconds(match[2])))
    return _inherit_speakers(cues)


def _header_layout(lines: Sequence[str]) -> list[SpokenCue] | None:
    headers: list[tuple[int, str, float]] = []
    for index, line in enumerate(lines):
        match = _HEADER_RE.fullmatch(line) if len(line) <= MAX_SPEAKER_CHARS + 20 else None
        if match is not None:
            name = match["name"] or match["name2"]
            headers.append((index, name, seconds(match["time"] or match["time2"])))
    first = headers[0][0] if headers else 0
    if not _looks_like_transcript([name for _, name, _ in headers], len(lines) - first):
        return None
    cues: list[SpokenCue] = []
    bounds = [*headers, (len(lines), "", 0.0)]
    for (index, name, start), (following, _, next_start) in zip(bounds, bounds[1:], strict=False):
        body = [line for line in lines[index + 1 : following] if not is_boilerplate(line)]
        end = next_start if following < len(lines) else None
        if body:
            cues.append(SpokenCue(_clean_speaker(name), " ".join(body), start, end))
    return cues


def _prefix_layout(lines: Sequence[str], declared: bool) -> list[SpokenCue] | None:
    matches = [_PREFIX_RE.fullmatch(line) if len(line) < 100_000 else None for line in lines]
    starts = [i for i, match in enumerate(matches) if match is not None]
    first = starts[0] if starts else 0
    found = [match for match in matches if match is not None]
    speakers = [match["name"] for match in found]
    if not _looks_like_transcript(speakers, len(lines) - first):
        return None
    timed = sum(1 for match in found if match["time"] or match["time2"])
    named = sum(1 for name in speakers if _speaker_like(name))
    if not declared and 2 * max(timed, named) < len(found):
        return None
    cues: list[SpokenCue] = []
    for position, index in enumerate(starts):
        match = matches[index]
        assert match is not None
        following = starts[position + 1] if position + 1 < len(starts) else len(lines)
        body = [match["body"], *lines[index + 1 : following]]
        stamp = match["time"] or match["time2"]
        text = " ".join(line for line in body if not is_boilerplate(line))
        if text and not is_boilerplate(text):
            cues.append(SpokenCue(_clean_speaker(match["name"]), text, _maybe(stamp), None))
    return cues


def _maybe(stamp: str | None) -> float | None:
    return seconds(stamp) if stamp else None


def assemble(cues: Iterable[SpokenCue]) -> tuple[str, tuple[Turn, ...]]:
    """The stored text and its turns: consecutive cues of one speaker form one turn.

    A cue without an end time ends where the next cue of the file starts.
    """
    merged: list[list[SpokenCue]] = []
    for cue in cues:
        if not cue.text:
            continue
        last = merged[-1][-1] if merged else None
        if last is not None and cue.speaker == last.speaker and not _pause(last, cue):
            merged[-1].append(cue)
        else:
            merged.append([cue])
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for index, group in enumerate(merged):
        header = _header(group[0])
        offset += len(header) + 1
        spans: list[Cue] = []
        body: list[str] = []
        for position, cue in enumerate(group):
            if body:
                offset += 1
            end_time = cue.end_time
            if end_time is None:
                following = _next_start(merged, index, position)
                end_time = following  # None for the last cue: nothing says when it ended
            spans.append(Cue(offset, offset + len(cue.text), cue.start_time, end_time))
            body.append(cue.text)
            offset += len(cue.text)
        turns.append(Turn(group[0].speaker, spans[0].start, offset, tuple(spans)))
        parts.append(header + "\n" + " ".join(body))
        offset += 2
    return "\n\n".join(parts), tuple(turns)


def _pause(previous: SpokenCue, cue: SpokenCue) -> bool:
    """A long silence splits an unnamed speaker's speech into turns."""
    if cue.speaker is not None or previous.end_time is None or cue.start_time is None:
        return False
    return cue.start_time - previous.end_time >= TURN_PAUSE_SECONDS


def _next_start(merged: list[list[SpokenCue]], index: int, position: int) -> float | None:
    if position + 1 < len(merged[index]):
        return merged[index][position + 1].start_time
    return merged[index + 1][0].start_time if index + 1 < len(merged) else None


def _header(cue: SpokenCue) -> str:
    """ "Liisa Korhonen [00:00:03]"; a part of its own when the name or time is unknown."""
    stamp = f"[{clock(cue.start_time)}]" if cue.start_time is not None else ""
    return " ".join(part for part in (cue.speaker or "", stamp) if part) or "–"
