"""The language stage on real Finnish workshop notes, with the real spaCy model."""

from __future__ import annotations

import pickle
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from sklearn.feature_extraction.text import CountVectorizer

from service.pipeline.language import (
    DEFAULT_SPACY_MODEL,
    FINNISH_STOP_WORDS,
    LEMMA_TOKEN_PATTERN,
    FinnishAnalyzer,
    LemmatizerFallbackWarning,
    NoteLanguage,
    finnish_tokenizer,
    lemma_documents,
    shared_pipeline,
)

# The seed is in the repository, so this runs on a fresh clone.
from tests.conftest import CORPORA

SEED = CORPORA / "pohjois-savo_learning-cafe_2017.txt"
FILLER = {"ja", "on", "että", "esim", "mm", "olla", "tehdä", "tai", "sekä", "myös", "yms"}


@pytest.fixture(scope="module")
def seed_notes() -> list[str]:
    """The bullets of the Pohjois-Savo Learning Cafe summary, one note each."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [line.strip().removeprefix("-").strip() for line in lines if line.strip()[:1] == "-"]


@pytest.fixture(scope="module")
def spacy_analyses(seed_notes: list[str]) -> list[NoteLanguage]:
    return FinnishAnalyzer(backend="spacy").analyze(seed_notes)


@pytest.fixture(scope="module")
def simplemma_analyses(seed_notes: list[str]) -> list[NoteLanguage]:
    return FinnishAnalyzer(backend="simplemma").analyze(seed_notes)


def analysis_of(note: str, notes: list[str], analyses: list[NoteLanguage]) -> NoteLanguage:
    assert note in notes, "the seed file no longer holds this note"
    return analyses[notes.index(note)]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Yritysten tunnettavuutta lisättävä nuorten keskuudessa", {"yritys", "nuori"}),
        (
            "Kuka johtaa ja koordinoi alueella yritysten vetovoiman lisäämistä",
            {"johtaa", "koordinoida", "alue", "yritys", "vetovoima", "lisääminen"},
        ),
        ("Koulutus ja elinikäinen oppiminen", {"koulutus", "elinikäinen", "oppiminen"}),
        ("Pk-yrityksille verkostot tukena", {"pk-yritys", "verkosto", "tuki"}),
    ],
)
def test_spacy_lemmas_of_seed_notes(
    note: str, expected: set[str], seed_notes: list[str], spacy_analyses: list[NoteLanguage]
) -> None:
    analysis = analysis_of(note, seed_notes, spacy_analyses)
    assert analysis.backend == "spacy"
    assert expected <= set(analysis.lemmas)
    assert expected <= set(analysis.content_lemmas)


def test_spacy_lemmas_are_lowercase_words_in_text_order(
    seed_notes: list[str], spacy_analyses: list[NoteLanguage]
) -> None:
    analysis = analysis_of(
        "Yritysten tunnettavuutta lisättävä nuorten keskuudessa", seed_notes, spacy_analyses
    )
    assert analysis.lemmas == ("yritys", "tunnettavuus", "lisätä", "nuori", "keskuudessa")
    # The postposition is a word but not a content word.
    assert analysis.content_lemmas == ("yritys", "tunnettavuus", "lisätä", "nuori")
    for note in spacy_analyses:
        assert all(lemma == lemma.lower() and lemma.strip() for lemma in note.lemmas)
        assert set(note.content_lemmas) <= set(note.lemmas)


@pytest.mark.parametrize("backend", ["spacy", "simplemma"])
def test_stop_words_and_numbers_never_are_content(
    backend: str,
    spacy_analyses: list[NoteLanguage],
    simplemma_analyses: list[NoteLanguage],
) -> None:
    analyses = spacy_analyses if backend == "spacy" else simplemma_analyses
    all_lemmas = {lemma for note in analyses for lemma in note.lemmas}
    content = {lemma for note in analyses for lemma in note.content_lemmas}
    assert {"ja", "on", "että", "esim", "olla"} & all_lemmas, "the notes do use filler"
    assert not content & FILLER
    assert not content & FINNISH_STOP_WORDS
    assert all(len(lemma) >= 2 and any(c.isalpha() for c in lemma) for lemma in content)


def test_umlauts_are_kept(seed_notes: list[str], spacy_analyses: list[NoteLanguage]) -> None:
    analysis = analysis_of("Ensimmäinen kesätyöpaikka olennainen", seed_notes, spacy_analyses)
    assert "kesätyöpaikka" in analysis.content_lemmas
    analysis = analysis_of("Viestintä; uudet kanavat käyttöön", seed_notes, spacy_analyses)
    assert {"viestintä", "käyttö"} <= set(analysis.content_lemmas)


def test_compound_words_stay_whole() -> None:
    (analysis,) = FinnishAnalyzer().analyze(["Osaamistarveteema nousi esiin työpajoissa."])
    assert {"osaamistarveteema", "työpaja"} <= set(analysis.content_lemmas)


def test_spacy_finds_places_and_organisations(
    seed_notes: list[str], spacy_analyses: list[NoteLanguage]
) -> None:
    analysis = analysis_of(
        "Ulostulo isompana väestöpohjana, ”Itä-Suomi”, Keski-Suomi, Järvi-Suomi",
        seed_notes,
        spacy_analyses,
    )
    assert ("Keski-Suomi", "GPE") in analysis.entities
    assert {"keski-suomi", "järvi-suomi"} <= set(analysis.content_lemmas)


def test_entities_can_be_turned_off() -> None:
    note = "Kuopiossa ja Helsingissä järjestettiin työpajoja."
    with_ner, without_ner = (
        FinnishAnalyzer(backend="spacy", entities=flag).analyze([note])[0] for flag in (True, False)
    )
    assert ("Kuopiossa", "GPE") in with_ner.entities
    assert without_ner.entities == ()
    assert without_ner.lemmas == with_ner.lemmas


def test_simplemma_backend_gives_lemmas(
    seed_notes: list[str], simplemma_analyses: list[NoteLanguage]
) -> None:
    analysis = analysis_of(
        "Yritysten tunnettavuutta lisättävä nuorten keskuudessa", seed_notes, simplemma_analyses
    )
    assert analysis.backend == "simplemma"
    assert {"yritys", "nuori", "tunnettavuus"} <= set(analysis.content_lemmas)
    assert all(note.entities == () for note in simplemma_analyses)


def test_backends_agree_on_most_content_lemmas(
    spacy_analyses: list[NoteLanguage], simplemma_analyses: list[NoteLanguage]
) -> None:
    spacy_content = {lemma for note in spacy_analyses for lemma in note.content_lemmas}
    simplemma_content = {lemma for note in simplemma_analyses for lemma in note.content_lemmas}
    shared = spacy_content & simplemma_content
    assert len(shared) >= 0.8 * len(spacy_content)


def test_auto_falls_back_to_simplemma_with_one_warning() -> None:
    # A model name nobody installed: spacy.load raises OSError (E050), as it does
    # when the model package or libvoikko is missing.
    analyzer = FinnishAnalyzer(backend="auto", spacy_model=f"no_such_model_{uuid.uuid4().hex}")
    with pytest.warns(LemmatizerFallbackWarning, match="falling back to simplemma"):
        (analysis,) = analyzer.analyze(["Yritysten tunnettavuutta lisättävä nuorten keskuudessa"])
    assert analysis.backend == "simplemma"
    assert {"yritys", "nuori"} <= set(analysis.content_lemmas)
    # The failure is remembered: later batches neither retry nor warn again
    # (pytest turns any further warning into an error).
    (again,) = analyzer.analyze(["Nuorten kesätyöpaikat"])
    assert again.backend == "simplemma"


def test_explicit_spacy_backend_does_not_hide_a_missing_model() -> None:
    analyzer = FinnishAnalyzer(backend="spacy", spacy_model=f"no_such_model_{uuid.uuid4().hex}")
    with pytest.raises(OSError):
        analyzer.analyze(["Nuorten kesätyöpaikat"])


@pytest.mark.parametrize("backend", ["spacy", "simplemma"])
def test_blank_texts_give_empty_tuples_in_place(backend: str) -> None:
    texts = ["", "Nuorten kesätyöpaikat", "  \n\t ", "!"]
    analyses = FinnishAnalyzer(backend=backend).analyze(texts)
    assert [len(analysis.lemmas) for analysis in analyses] == [0, 2, 0, 0]
    for index in (0, 2, 3):
        assert analyses[index] == NoteLanguage((), (), (), backend)
    assert FinnishAnalyzer(backend=backend).analyze([]) == []


def test_bad_parameters_are_reported() -> None:
    with pytest.raises(ValueError, match="backend"):
        FinnishAnalyzer(backend="voikko").analyze(["Nuoret"])
    with pytest.raises(ValueError, match="batch_size"):
        FinnishAnalyzer(batch_size=0).analyze(["Nuoret"])


def test_tokenizer_counts_content_lemmas_in_count_vectorizer() -> None:
    notes = [
        "Yritysten tunnettavuutta lisättävä nuorten keskuudessa",
        "Yritykset aktiivisia, kiinnittää opiskelija työhön",
        "Nuorten etupainotteinen terveydestä ja työkyvystä huolehtiminen",
    ]
    tokenizer = finnish_tokenizer(FinnishAnalyzer(backend="spacy", entities=False))
    vectorizer = CountVectorizer(tokenizer=tokenizer, lowercase=False, token_pattern=None)
    counts = vectorizer.fit_transform(notes)
    vocabulary = vectorizer.vocabulary_
    assert counts[:, vocabulary["yritys"]].sum() == 2
    assert counts[:, vocabulary["nuori"]].sum() == 2
    assert not set(vocabulary) & FILLER
    # A fitted vectorizer is saved with the theme model, tokenizer included.
    assert pickle.loads(pickle.dumps(tokenizer))("Nuorten yritykset") == ["nuori", "yritys"]

    documents = lemma_documents(FinnishAnalyzer(backend="spacy", entities=False).analyze(notes))
    plain = CountVectorizer(token_pattern=LEMMA_TOKEN_PATTERN, lowercase=False)
    assert (plain.fit_transform(documents) != counts).nnz == 0
    assert plain.vocabulary_ == vocabulary


def test_lemma_documents_join_content_lemmas() -> None:
    analyses = [
        NoteLanguage(("yritys", "ja", "nuori"), ("yritys", "nuori"), (), "spacy"),
        NoteLanguage((), (), (), "spacy"),
    ]
    assert lemma_documents(analyses) == ["yritys nuori", ""]


def test_stop_words_hold_spacy_list_and_workshop_filler() -> None:
    from spacy.lang.fi.stop_words import STOP_WORDS

    assert set(STOP_WORDS) <= FINNISH_STOP_WORDS
    assert FILLER | {"voida", "tulla", "pitää", "saada", "jne", "tms", "ns", "ks"} <= (
        FINNISH_STOP_WORDS
    )
    assert not any(word.startswith("#") or " " in word for word in FINNISH_STOP_WORDS)
    # Theme words must survive the list.
    assert not {"yritys", "nuori", "koulutus", "esimerkki", "hyvinvointi"} & FINNISH_STOP_WORDS


def test_the_pipeline_multiplies_with_numpy_and_reads_as_spacy_loads_it(
    seed_notes: list[str],
) -> None:
    """blis took 2.5x as long as numpy's BLAS for the pipeline's matrix products on the
    2-core machine; the switch must change no tag, parse, lemma or entity."""
    import spacy
    from thinc.api import NumpyOps

    nlp, _ = shared_pipeline(DEFAULT_SPACY_MODEL)
    layers = [
        layer
        for _, component in nlp.pipeline
        if hasattr(component, "model")
        for layer in component.model.walk()
    ]
    assert len(layers) > 50
    assert all(isinstance(layer.ops, NumpyOps) and not layer.ops.use_blis for layer in layers)

    as_spacy_loads_it = spacy.load(DEFAULT_SPACY_MODEL)

    def read(pipeline: Any) -> list[tuple[Any, ...]]:
        return [
            (t.text, t.lemma_, t.pos_, t.dep_, t.head.i, t.ent_type_)
            for doc in pipeline.pipe(seed_notes)
            for t in doc
        ]

    assert read(nlp) == read(as_spacy_loads_it)


def test_importing_the_module_does_not_import_spacy() -> None:
    code = (
        "import sys, service.pipeline.language; "
        "assert 'spacy' not in sys.modules and 'simplemma' not in sys.modules"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_long_texts_are_cut_at_whitespace_into_pieces() -> None:
    from service.pipeline.language import _split_long_text

    text = "Nuorten kesätyöpaikat ja yritysten tunnettavuus.\n" * 50
    pieces = _split_long_text(text, limit=120)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= 120 for piece in pieces)
    # Cuts fall on whitespace, so no word is split between two pieces.
    assert all(piece[0].isspace() for piece in pieces[1:])
    assert _split_long_text("a" * 250, limit=100) == ["a" * 100, "a" * 100, "a" * 50]
    assert _split_long_text("lyhyt", limit=100) == ["lyhyt"]


def test_public_api() -> None:
    import service.pipeline.language as language

    assert set(language.__all__) == {
        "BACKENDS",
        "CONTENT_POS",
        "DEFAULT_SPACY_MODEL",
        "FINNISH_STOP_WORDS",
        "FairLock",
        "LEMMA_TOKEN_PATTERN",
        "ContentLemmaTokenizer",
        "FinnishAnalyzer",
        "LemmatizerFallbackWarning",
        "NoteLanguage",
        "finnish_tokenizer",
        "lemma_documents",
        "shared_pipeline",
    }
    assert all(hasattr(language, name) for name in language.__all__)
