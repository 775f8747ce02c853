"""Codebooks: reading JSON/CSV, refusing bad files, and seeding themes with the real model."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from service.nlp import NlpResources
from service.pipeline.codebook import (
    Codebook,
    CodebookError,
    SeedTheme,
    default_codebook,
    read_codebook,
    seed_texts,
)
from service.pipeline.language import FinnishAnalyzer, lemma_documents
from service.pipeline.themes import ThemeModel
from tests.shared import shared_file

BOOK = [
    {"name": "Vetovoima", "description": "Alueen houkuttelevuus", "examples": ["imago", "maine"]},
    {"name": "Hyvinvointi", "description": "", "examples": "liikunta; terveys ;"},
]


@pytest.mark.parametrize(
    "data",
    [json.dumps(BOOK).encode(), json.dumps({"themes": BOOK}, ensure_ascii=False).encode()],
)
def test_read_json_codebook(data: bytes) -> None:
    book = read_codebook(data, "koodikirja.JSON")
    assert book.names == ["Vetovoima", "Hyvinvointi"]
    assert book.themes[0] == SeedTheme("Vetovoima", "Alueen houkuttelevuus", ("imago", "maine"))
    assert book.themes[1].examples == ("liikunta", "terveys")


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_read_csv_codebook(delimiter: str) -> None:
    rows = [
        ["name", "description", "examples"],
        ["Vetovoima", "Alueen houkuttelevuus", "imago; maine"],
        ["Yritysyhteistyö", "Yritykset, oppilaitokset", "kesätyö"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    book = read_codebook(("\ufeff" + text).encode("utf-8"), "book.csv")
    assert book.names == ["Vetovoima", "Yritysyhteistyö"]
    assert book.themes[0].examples == ("imago", "maine")
    assert book.themes[1].description == "Yritykset, oppilaitokset"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"{not json", "a.json", "not valid JSON"),
        (b'{"teemat": []}', "a.json", '"themes"'),
        (b'"text"', "a.json", "list of themes"),
        (b"[]", "a.json", "no themes"),
        (b'[{"description": "x"}]', "a.json", "no name"),
        (b'[{"name": "A", "examples": [1, 2]}]', "a.json", "examples"),
        (b'[{"name": "A"}, {"name": "a"}]', "a.json", "unique"),
        (b'["A"]', "a.json", "object"),
        (b"otsikko,kuvaus\nA,B\n", "a.csv", "'name' column"),
        (b"name\n", "a.csv", "no themes"),
        ("name\nVetovoima\n".encode("utf-16"), "a.csv", "UTF-8"),
        (b"name\nA\n", "a.xlsx", ".json or .csv"),
    ],
)
def test_bad_codebooks_raise_codebook_error(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(CodebookError, match=message) as raised:
        read_codebook(data, filename)
    assert isinstance(raised.value, ValueError)


def test_default_codebook_is_finnish_and_complete() -> None:
    book = default_codebook()
    assert len(book.themes) == 8
    assert book.names[0] == "Vetovoima"
    for theme in book.themes:
        assert len(theme.description) > 40
        assert 3 <= len(theme.examples) <= 5
    texts = seed_texts(book)
    assert len(texts) == 8 and texts[0].startswith("Vetovoima. Alueen")
    assert "työvoima" in " ".join(texts).lower()


SEEDED = {
    "Yritysyhteistyö": [
        "Yritykset tarjoavat opiskelijoille kesätyöpaikkoja ja harjoittelupaikkoja.",
        "Oppilaitokset ja paikalliset yritykset tekevät yhteisiä opiskelijaprojekteja.",
        "Yritysten pitää tulla tutummiksi nuorille, jotta he hakevat kesätöihin.",
    ],
    "Hyvinvointi ja terveys": [
        "Kunnan pitää edistää asukkaiden terveyttä ja liikuntaa.",
        "Työkyvystä ja jaksamisesta huolehtiminen pidentää työuria.",
        "Terveyden edistäminen ja liikunta parantavat asukkaiden hyvinvointia.",
    ],
    "Viestintä ja markkinointi": [
        "Alueen markkinointiin tarvitaan yhteinen brändi ja kampanjat somessa.",
        "Viestintään otetaan käyttöön uusia kanavia ja sosiaalinen media.",
        "Yhteismarkkinointi tuo alueen mahdollisuudet näkyviin.",
    ],
}


def test_seeded_notes_join_their_seed_theme_and_the_rest_form_new_themes(
    nlp: NlpResources,
) -> None:
    rows = [
        json.loads(line)
        for line in shared_file("data/sib200_fin_topics.jsonl").read_text("utf-8").splitlines()
    ]
    unrelated = [row["text"] for row in rows if row["label"] in {"sports", "geography"}][:90]
    seeded = [text for texts in SEEDED.values() for text in texts]
    notes = seeded + unrelated
    book = default_codebook()
    lemma_docs = lemma_documents(FinnishAnalyzer(backend="simplemma").analyze(notes))
    seeds = nlp.embedder.embed(seed_texts(book))
    model = ThemeModel().fit(nlp.embedder.embed(notes), lemma_docs, seeds=seeds)

    expected = [book.names.index(name) for name, texts in SEEDED.items() for _ in texts]
    got = [int(model.seed_of_theme_[t]) if t >= 0 else -1 for t in model.labels_[: len(seeded)]]
    assert got == expected
    unrelated_labels = model.labels_[len(seeded) :]
    unseeded = model.seed_of_theme_[unrelated_labels[unrelated_labels >= 0]] == -1
    assert unseeded.mean() >= 0.9
    assert (model.seed_of_theme_ == -1).sum() >= 2  # sport and geography stay themes of their own
    # Without seeds the same notes get no seed themes at all.
    plain = ThemeModel().fit(nlp.embedder.embed(notes), lemma_docs)
    assert (plain.seed_of_theme_ == -1).all()


def test_codebook_names_are_unique_case_insensitively() -> None:
    with pytest.raises(CodebookError):
        Codebook((SeedTheme("Vetovoima"), SeedTheme("vetovoima")))
    assert np.array_equal(Codebook(()).names, [])
