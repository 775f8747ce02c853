"""Find personal data in Finnish texts with Microsoft Presidio and the Finnish spaCy pipeline.

Presidio's ``AnalyzerEngine`` runs the recognizers and merges what they find; its NLP
engine is the project's own Finnish pipeline (``language.shared_pipeline``, loaded
once per process and shared with the lemmatizer), run with only its NER component:
the recognizers need entities and Voikko's word classes, not tags or lemmas. The NER
runs only on pieces that may hold a name (``may_hold_name``): most notes have no
capitalised word but at a sentence start, and the NER's PERSON tags on those were false
ones; every other recognizer runs on every piece.
"""

from __future__ import annotations

import functools
import importlib.abc
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from service.pipeline.language import DEFAULT_SPACY_MODEL, FairLock, shared_pipeline

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from spacy.language import Language

__all__ = [
    "DETECT_MIN",
    "ENTITIES",
    "PLACEHOLDERS",
    "holds_placeholder",
    "REVIEW_BELOW",
    "Detection",
    "PersonalDataDetector",
    "may_hold_name",
]

# What is detected, and the typed placeholder that replaces it.
PLACEHOLDERS: dict[str, str] = {
    "PERSON": "[NIMI]",
    "EMAIL_ADDRESS": "[SÄHKÖPOSTI]",
    "PHONE_NUMBER": "[PUHELIN]",
    "FI_PERSONAL_IDENTITY_CODE": "[HETU]",
    "IBAN_CODE": "[IBAN]",
    "FI_STREET_ADDRESS": "[OSOITE]",
}
ENTITIES = tuple(PLACEHOLDERS)


def holds_placeholder(text: str) -> bool:
    """Whether ``text`` holds the placeholder of removed personal data ("[NIMI]")."""
    return any(placeholder in text for placeholder in PLACEHOLDERS.values())


# Every detection scoring at least DETECT_MIN is personal data to the stage (redacted
# under the default policy); one below REVIEW_BELOW is also listed for a project
# admin's review. Scores come from the recognizers (recognizers.py): 1.0 for checksums
# (hetu, IBAN) and valid e-mail domains, 0.95 for names Voikko knows, 0.5-0.6 for the
# doubtful cases.
DETECT_MIN = 0.4
REVIEW_BELOW = 0.8
# spaCy needs memory in proportion to a text's length: long blocks go in pieces.
_MAX_PIECE_CHARS = 20_000
_BATCH_SIZE = 32
# Voikko's classes of a word that may be (part of) a person's name in the NER's eyes.
_NAME_LIKE = frozenset({"etunimi", "sukunimi", "paikannimi", "nimi"})
_WORD = re.compile(r"\w[\w'-]*")


@dataclass(frozen=True)
class Detection:
    """Personal data found in a text: ``text[start:end]`` (code points) is the value.

    ``entity`` is a key of ``PLACEHOLDERS``; ``score`` in [0, 1]; ``recognizer`` names
    the recognizer that found it (for the review list).
    """

    entity: str
    start: int
    end: int
    score: float
    recognizer: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.entity]


class PersonalDataDetector:
    """``detect(texts) -> [[Detection, ...] per text]``, non-overlapping, in text order.

    ``spacy_model``: the installed Finnish spaCy package (shared with the lemmatizer).
    Parameters are only stored here; Presidio and the pipeline load on first use and
    raise ``OSError``/``ImportError`` when the model or Voikko is missing: personal data
    cannot be found without them, so the caller must not store text then.
    """

    def __init__(self, spacy_model: str = DEFAULT_SPACY_MODEL) -> None:
        self.spacy_model = spacy_model

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        owners: list[int] = []
        offsets: list[int] = []
        pieces: list[str] = []
        for index, text in enumerate(texts):
            for offset, piece in _pieces(text):
                owners.append(index)
                offsets.append(offset)
                pieces.append(piece)
        found: list[list[Detection]] = [[] for _ in texts]
        analyzer, engine, nlp, lock, name_classes = _engine(self.spacy_model)
        with lock:  # the pipeline's Voikko handle serves one thread at a time
            only_ner = [name for name in nlp.pipe_names if name != "ner"]
            needs = [may_hold_name(piece, name_classes) for piece in pieces]
            named = (piece for piece, need in zip(pieces, needs, strict=True) if need)
            ner_docs = iter(nlp.pipe(named, batch_size=_BATCH_SIZE, disable=only_ner))
            for owner, offset, piece, need in zip(owners, offsets, pieces, needs, strict=True):
                doc = next(ner_docs) if need else nlp.make_doc(piece)  # words, no entities
                artifacts = engine._doc_to_nlp_artifact(doc, "fi")
                results = analyzer.analyze(
                    piece, "fi", entities=list(ENTITIES), score_threshold=DETECT_MIN,
                    nlp_artifacts=artifacts,
                )  # fmt: skip
                found[owner].extend(_detection(result, offset) for result in results)
        return [_without_overlaps(detections) for detections in found]

    def __repr__(self) -> str:
        return f"PersonalDataDetector(spacy_model={self.spacy_model!r})"


def may_hold_name(text: str, name_classes: Callable[[str], frozenset[str]]) -> bool:
    """Whether ``text`` has a word the NER should see: a capitalised word that is not at
    a sentence start, or one at a sentence start that Voikko (``name_classes``) does not
    know or knows as a name. A text without either has no name for the NER to find;
    capitalised sentence starts such as "Presidentin" or "Avioeron" were its false
    PERSON tags (evaluation/README.md, the privacy stage)."""
    sentence_start = True
    for token in text.split():
        word = _WORD.search(token)
        if word is not None and word.group()[:1].isupper():
            if not sentence_start:
                return True
            known = name_classes(word.group())
            if not known or known & _NAME_LIKE:
                return True
        sentence_start = token[-1] in ".!?:"
    return False


def _detection(result: Any, offset: int) -> Detection:
    metadata = result.recognition_metadata or {}
    return Detection(
        entity=result.entity_type,
        start=result.start + offset,
        end=result.end + offset,
        score=round(float(result.score), 3),
        recognizer=str(metadata.get("recognizer_name", "")),
    )


def _without_overlaps(detections: list[Detection]) -> list[Detection]:
    """Keep the strongest of overlapping detections (then the longest), in text order."""
    ranked = sorted(detections, key=lambda d: (-d.score, -(d.end - d.start), d.start))
    kept: list[Detection] = []
    for detection in ranked:
        if all(detection.end <= k.start or detection.start >= k.end for k in kept):
            kept.append(detection)
    return sorted(kept, key=lambda d: d.start)


def _pieces(text: str) -> list[tuple[int, str]]:
    """(offset, piece) of the non-blank paragraphs of ``text``, long ones cut at lines."""
    pieces: list[tuple[int, str]] = []
    offset = 0
    for paragraph in text.split("\n\n"):
        start = offset
        offset += len(paragraph) + 2
        while len(paragraph) > _MAX_PIECE_CHARS:
            cut = paragraph.rfind("\n", 0, _MAX_PIECE_CHARS)
            cut = cut if cut > 0 else paragraph.rfind(" ", 0, _MAX_PIECE_CHARS)
            cut = cut if cut > 0 else _MAX_PIECE_CHARS
            pieces.append((start, paragraph[:cut]))
            start, paragraph = start + cut, paragraph[cut:]
        if paragraph.strip():
            pieces.append((start, paragraph))
    return pieces


@functools.cache
def _engine(
    model: str,
) -> tuple[AnalyzerEngine, SpacyNlpEngine, Language, FairLock, Callable[[str], frozenset[str]]]:
    """Presidio's analyzer over the shared pipeline, built once per process and model,
    with Voikko's word classes (cached) that the name rules share."""
    with _presidio_without_hugging_face():
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            FiPersonalIdentityCodeRecognizer,
            IbanRecognizer,
        )

        from service.pipeline.privacy.recognizers import (  # lazy: loads presidio
            FinnishAddressRecognizer,
            FinnishNameRecognizer,
            FinnishPhoneRecognizer,
            OfflineEmailRecognizer,
        )

    nlp, lock = shared_pipeline(model)
    ner: Any = nlp.get_pipe("ner")
    labels = ner.labels
    engine = SpacyNlpEngine(
        models=[{"lang_code": "fi", "model_name": model}],
        ner_model_configuration=NerModelConfiguration(
            model_to_presidio_entity_mapping={"PERSON": "PERSON"},
            labels_to_ignore=[label for label in labels if label != "PERSON"],
        ),
    )
    engine.nlp = {"fi": nlp}  # type: ignore[assignment]  # the shared pipeline, loaded once
    lemmatizer: Any = nlp.get_pipe("lemmatizer")
    name_classes = functools.lru_cache(maxsize=100_000)(_classes_of(lemmatizer.voikko))
    registry = RecognizerRegistry(supported_languages=["fi"])
    for recognizer in (
        FiPersonalIdentityCodeRecognizer(supported_language="fi"),
        IbanRecognizer(supported_language="fi"),
        OfflineEmailRecognizer(),
        FinnishPhoneRecognizer(),
        FinnishAddressRecognizer(),
        FinnishNameRecognizer(name_classes),
    ):
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["fi"])
    return analyzer, engine, nlp, lock, name_classes


# What Presidio's package imports for its Hugging Face and GLiNER recognizers, each import
# guarded (absent means "not installed"); this stage uses none of them.
_HUGGING_FACE = frozenset({"torch", "transformers", "gliner"})


class _HiddenFromPresidio(importlib.abc.MetaPathFinder):
    """Makes an import of ``_HUGGING_FACE`` fail when Presidio's own code asks for it.

    Other code (another thread, sentence-transformers later) imports them as usual: the
    finder looks only at the importing thread's own frames."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] in _HUGGING_FACE and _presidio_is_importing():
            raise ImportError(f"{name} is not used by the privacy stage")
        return None


def _presidio_is_importing() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if str(frame.f_globals.get("__name__", "")).startswith("presidio_analyzer"):
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


@contextmanager
def _presidio_without_hugging_face() -> Iterator[None]:
    """Import Presidio without torch and transformers: its package imports them for
    recognizers this stage never builds, 4.1 s and 134 MB of every process that looks
    for personal data (measured on the 2-core machine; 0.4 s and 282 MB without)."""
    finder = _HiddenFromPresidio()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _classes_of(voikko: Any) -> Any:
    def classes(word: str) -> frozenset[str]:
        return frozenset(str(a.get("CLASS", "")) for a in voikko.analyze(word)) - {""}

    return classes
