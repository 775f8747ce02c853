"""Finnish recognizers for Presidio: phone numbers, street addresses, e-mail, person names.

Presidio's own recognizers are used where they fit Finnish text as they are (the
personal identity code with its checksum, IBAN with its checksum); the ones here add
what they lack:

- ``FinnishPhoneRecognizer``: ``phonenumbers`` with region FI, every common Finnish
  format ("+358 40 555 0199", "040-5550199", "(09) 123 4567", "0400 123456"), scored
  by number type and by Finnish context words instead of one flat 0.4.
- ``FinnishAddressRecognizer``: "Kauppakatu 12 A 3, 70100 Kuopio" — a street name
  ending in a Finnish street word, a house number, optional staircase and flat, and an
  optional postal code and town. A street name without a number is a place, not an
  address, and stays.
- ``OfflineEmailRecognizer``: Presidio's e-mail pattern, with the domain checked
  against tldextract's bundled suffix list (its default fetches the list from the
  internet on first use).
- ``FinnishNameRecognizer``: PERSON entities of the Finnish spaCy NER (inflected forms
  included: "Pekalle", "Kärkkäisen"), scored by what Voikko knows of their words
  (first name / surname / something else), plus capitalised words that Voikko knows
  only as a first name or surname where the NER missed them.

Scores are in [0, 1]; the privacy stage redacts from ``DETECT_MIN`` up and lists what
is below ``REVIEW_BELOW`` for a project admin's review (see ``detect.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import phonenumbers
from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

PERSON = "PERSON"
PHONE = "PHONE_NUMBER"
ADDRESS = "FI_STREET_ADDRESS"
EMAIL = "EMAIL_ADDRESS"

# Stems of Finnish words that say a number nearby is a phone number ("puh.",
# "puhelin", "numerosta", "soita", "tavoittaa", "gsm", "tel").
_PHONE_CONTEXT_RE = re.compile(
    r"(?i)\b(?:puh|puhelin\w*|numero\w*|soit\w*|tavoit\w*|gsm|tel|mob|matkapuh\w*|p)\b[.:]?\s*$"
)
_PHONE_CONTEXT_CHARS = 40
# A Finnish business id (y-tunnus, "0245442-8") validates as a fixed-line number; it
# belongs to an organisation, never to a person.
_BUSINESS_ID_RE = re.compile(r"\d{7}-\d")


class FinnishPhoneRecognizer(LocalRecognizer):
    """Phone numbers valid in the Finnish numbering plan (or any +country number).

    Scores: 0.85 for a mobile number (04x, 050, +358 4x/50), 0.7 for a fixed line,
    0.5 for service numbers (0800, 020, 0600: organisations' lines); 0.95 for any of
    them right after a context word ("puh.", "numerosta", "soita").
    """

    TYPE_SCORES = {
        phonenumbers.PhoneNumberType.MOBILE: 0.85,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: 0.85,
        phonenumbers.PhoneNumberType.FIXED_LINE: 0.7,
    }
    OTHER_SCORE = 0.5
    CONTEXT_SCORE = 0.95

    def __init__(self) -> None:
        super().__init__(supported_entities=[PHONE], supported_language="fi")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        matcher = phonenumbers.PhoneNumberMatcher(text, "FI", leniency=phonenumbers.Leniency.VALID)
        for match in matcher:
            if _BUSINESS_ID_RE.fullmatch(match.raw_string):
                continue
            number_type = phonenumbers.number_type(match.number)
            score = self.TYPE_SCORES.get(number_type, self.OTHER_SCORE)
            before = text[max(0, match.start - _PHONE_CONTEXT_CHARS) : match.start]
            if _PHONE_CONTEXT_RE.search(before):
                score = max(score, self.CONTEXT_SCORE)
            results.append(_result(self, PHONE, match.start, match.end, score))
        return results


# Last parts of Finnish street names, with the inflected forms a sentence gives them
# ("Kauppakadulla 12", "Opistotiellä 3"); the number is what makes a place an address.
_STREET_WORDS = (
    r"(?:katu|kadu\w*|tie|tie\w+|kuja\w*|polku|polu\w+|väylä\w*|raitti|raiti\w+|kaari|kaare\w+"
    r"|rinne|rintee\w+|ranta|ranna\w+|puistikko|puistiko\w+|tori\w*|aukio\w*|piha\w*"
    r"|kaarre|kaartee\w+|tanhua\w*|kuja|bulevardi\w*|esplanadi\w*|mäki|mäe\w+|vägen|gatan)"
)
_ADDRESS_RE = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöé-]{1,40}" + _STREET_WORDS + r"\s+\d{1,4}(?:\s?-\s?\d{1,4})?"
    r"(?:\s?[A-Za-zÅÄÖåäö](?=[\s,.;]|$))?(?:\s?(?:as\.?\s?)?\d{1,3}(?!\d))?"
    r"(?:\s*,?\s*\d{5}\s+[A-ZÅÄÖ][a-zåäö-]+)?"
    r"|\b(?:PL|PO Box)\s+\d{1,5},?\s*\d{5}\s+[A-ZÅÄÖ][a-zåäö-]+"
)
_POSTAL_CODE_RE = re.compile(r"\d{5}\s+[A-ZÅÄÖ]")


class FinnishAddressRecognizer(LocalRecognizer):
    """Finnish street addresses: 0.85 with a house number, 0.95 with a postal code too."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], supported_language="fi")

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in _ADDRESS_RE.finditer(text):
            value = match.group().rstrip(" ,")
            score = 0.95 if _POSTAL_CODE_RE.search(value) else 0.85
            results.append(_result(self, ADDRESS, match.start(), match.start() + len(value), score))
        return results


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, its domain check done without the internet."""

    def __init__(self) -> None:
        super().__init__(supported_language="fi")

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_domains()(pattern_text).fqdn != ""


_EXTRACTOR: list[Any] = []


def _offline_domains() -> Callable[[str], Any]:
    """tldextract over the suffix list it ships: no download, no cache directory."""
    if not _EXTRACTOR:
        import tldextract

        _EXTRACTOR.append(tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None))
    extractor: Callable[[str], Any] = _EXTRACTOR[0]
    return extractor


NAME_CLASSES = frozenset({"etunimi", "sukunimi"})
# One-word entities of these labels are still checked against Voikko (see _lone_place).
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

NameClasses = Callable[[str], frozenset[str]]


class FinnishNameRecognizer(LocalRecognizer):
    """Person names from the Finnish NER, checked against Voikko's name classes.

    ``name_classes(word)`` gives Voikko's CLASS values of a word ("etunimi",
    "sukunimi", "paikannimi", "nimisana", ...; empty when Voikko does not know it).
    Scores of a NER PERSON span: 0.95 when one of its words is a known first name or
    surname, 0.85 when Voikko does not know its words (foreign and rare names), 0.5
    when Voikko knows its words only as something else (a place or a common word: a
    likely NER error, redacted but listed for review). A capitalised word outside any
    entity (or a one-word place entity) that Voikko knows only as a name: 0.6 alone,
    0.85 when two such words stand
    together ("Sanna Tiihonen"). A word with another reading too (a place, a common
    word: "Toivo", "Aalto") is never flagged on Voikko's word alone.
    """

    def __init__(self, name_classes: NameClasses) -> None:
        super().__init__(supported_entities=[PERSON], supported_language="fi")
        self.name_classes = name_classes

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        results = [
            _result(self, PERSON, span.start_char, span.end_char, self._entity_score(span))
            for span in doc.ents
            if span.label_ == PERSON and any(char.isalpha() for char in span.text)
        ]
        in_entity = {token.i for span in doc.ents for token in span}
        results.extend(self._lone_names(doc, in_entity))
        return EntityRecognizer.remove_duplicates(results)

    def _entity_score(self, span: Any) -> float:
        words = [token.text for token in span if any(char.isalpha() for char in token.text)]
        classes = [self.name_classes(word) for word in words]
        if any(NAME_CLASSES & known for known in classes):
            return 0.95
        if all(known for known in classes):
            return 0.5
        return 0.85

    def _lone_names(self, doc: Any, in_entity: set[int]) -> Iterable[RecognizerResult]:
        """Capitalised words Voikko knows only as names, outside the NER's entities."""
        found: list[tuple[int, int]] = []  # (start_char, end_char) of name words
        for token in doc:
            if token.i in in_entity and not _lone_place(token):
                continue
            word = token.text
            if not (word[:1].isupper() and word[1:2].islower()):
                continue
            classes = self.name_classes(word)
            if not classes or not classes <= NAME_CLASSES:
                continue  # unknown, or also a place or a common word
            found.append((token.idx, token.idx + len(word)))
        index = 0
        while index < len(found):
            start, end = found[index]
            together = index + 1 < len(found) and doc.text[end : found[index + 1][0]] == " "
            if together:
                end = found[index + 1][1]
            yield _result(self, PERSON, start, end, 0.85 if together else 0.6)
            index += 2 if together else 1


def _lone_place(token: Any) -> bool:
    """A one-word place entity: the NER now and then takes "Pekalle" for a place.

    Such a word is still judged by Voikko: when it knows the word only as a name, it is
    a name.
    """
    return (
        token.ent_type_ in _PLACE_LABELS
        and token.ent_iob_ == "B"
        and (token.i + 1 >= len(token.doc) or token.doc[token.i + 1].ent_iob_ != "I")
    )


def _result(
    recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float
) -> RecognizerResult:
    return RecognizerResult(
        entity_type=entity,
        start=start,
        end=end,
        score=score,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: type(recognizer).__name__,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )
