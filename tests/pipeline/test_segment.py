"""segment on the real seed documents and on small real files: groups, questions,
bullets and sub-bullets, prose, leftovers, languages and the offset invariant."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.pipeline.document import NoteDraft, ParsedDocument
from service.pipeline.parse import ParseError, parse_document
from service.pipeline.segment import (
    KINDS,
    LEFTOVER_RULES,
    detect_language,
    is_leftover,
    segment,
    split_sentences,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPORA = REPO_ROOT / "corpora"
FIXTURES = Path(__file__).parent / "fixtures"
LEARNING_CAFE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"

# The kind each seed is uploaded as (seeds/README.md) and the notes it gives.
SEEDS = {
    "pohjois-savo_learning-cafe_2017.txt": ("workshop", 48),
    "sitra_alueiden-osaamisen-aika.txt": ("project_description", 29),
    "seutukaupunki-verkostohankkeet_2022.txt": ("project_description", 15),
    "etela-savo_punos-hanke.txt": ("project_description", 16),
    "sitra_alueiden-osaamisen-aika_paatostilaisuus.txt": ("other", 11),
}
QUESTIONS = {
    "Ryhmä 1": "Miten toteutetaan ja johdetaan Pohjois-Savon vetovoiman lisäämistä niin, että "
    "edistetään osaavan työvoiman saatavuutta?",
    "Ryhmä 2": "Millaisia ovat Pohjois-Savon vetovoimaisuutta lisäävät oppimisympäristöt, "
    "yritysyhteistyö ja koulutuspolut?",
    "Ryhmä 3": "Miten edistetään pohjois-savolaisten hyvinvointia ja terveyttä sekä työhön "
    "osallistuvuutta?",
    "Ryhmä 4": "Miten hyödynnetään kuntalaisten aktiivisuutta yhteisessä vetovoimatyössä "
    "(mm. kulttuuri, liikunta, järjestöt)?",
}
# Group 2, note by note: (position, text, kind, parent position). Positions 14-19 come
# from the "RYHMÄ 2 (jatkuu)" slide.
GROUP_2 = [
    (5, "Ensimmäinen kesätyöpaikka olennainen", "bullet", None),
    (6, "Yritykset aktiivisia, kiinnittää opiskelija työhön", "sub_bullet", 5),
    (7, "On tervettä käydä muualla", "sub_bullet", 5),
    (8, "Yritysten tunnettavuutta lisättävä nuorten keskuudessa", "bullet", None),
    (9, "Tähän on satsattava", "sub_bullet", 8),
    (10, "Kuka johtaa ja koordinoi alueella yritysten vetovoiman lisäämistä", "bullet", None),
    (
        11,
        "Esim. Kauppakamari, yrittäjäjärjestöt, Ylä-Savon teollisuusliitto, yms.",
        "sub_bullet",
        10,
    ),
    (12, "Metatason johtamista", "sub_bullet", 10),
    (13, "Ulostulo isompana väestöpohjana, ”Itä-Suomi”, Keski-Suomi, Järvi-Suomi", "bullet", None),
    (14, "Savilahti ja muut seudulliset kampukset", "bullet", None),
    (15, "Tavoite: Euroopan paras oppimisympäristö", "sub_bullet", 14),
    (16, "Kiinnostava kokonaisuus", "sub_bullet", 14),
    (17, "Monenlaiset koulutuspolut", "sub_bullet", 14),
    (18, "Mahtava mahdollisuus", "sub_bullet", 14),
    (19, "Vaikuttaa alueen vetovoimaan", "sub_bullet", 14),
]
LEFTOVER_TEXTS = [
    "POHJOIS|**SAVON**|LIITTO", "Vipuvoimaa", "Euroopan unioni", "Euroopan sosiaalirahasto",
    "Elinkeino-", "ympäristökeskus", "Regional Council", "Pohjois-Savon liitto", "Kuopio 1.11.2017",
    "Suoraan sisältöön", "Mistä on kyse", "Lisätietoja antaa", "Merja Olenius", "Kehittämisjohtaja",
    "040 629 7210", "@", "Ota rohkeasti yhteyttä", "Lue lisää", "Ajankohtaista", "Kiinnostuitko",
    "Kutsuvierastilaisuus\n", "Learning Cafe", "(jatkuu)",
]  # fmt: skip


def notes_of(path: Path, kind: str) -> tuple[ParsedDocument, tuple[NoteDraft, ...]]:
    document = parse_document(path.name, path.read_bytes())
    return document, segment(document, kind=kind)


def assert_well_formed(document: ParsedDocument, notes: tuple[NoteDraft, ...]) -> None:
    """The invariants every segmentation keeps, whatever the input."""
    previous_end = 0
    for position, note in enumerate(notes):
        assert note.text == document.text[note.start : note.end]
        assert note.text and note.text == note.text.strip()
        assert note.position == position and note.start >= previous_end
        previous_end = note.end
        assert (note.kind == "sub_bullet") == (note.parent is not None)
        if note.parent is not None:
            assert note.parent < position and notes[note.parent].kind in ("bullet", "sub_bullet")
            assert note.context == notes[note.parent].text
        assert note.language in ("fi", "sv", "en")


# --- the Learning Cafe, exactly --------------------------------------------------------


def test_learning_cafe_groups_and_questions() -> None:
    document, notes = notes_of(LEARNING_CAFE, "workshop")
    assert_well_formed(document, notes)
    assert [note.group for note in notes] == (
        ["Ryhmä 1"] * 5 + ["Ryhmä 2"] * 15 + ["Ryhmä 3"] * 17 + ["Ryhmä 4"] * 11
    )
    # Continuation slides keep their group's first question, not the typo'd repeat.
    assert {note.group: note.question for note in notes} == QUESTIONS
    assert len(set(QUESTIONS.values())) == 4
    assert all(note.text not in QUESTIONS.values() for note in notes)
    assert not any("yritysysteistyö" in (note.question or "") + note.text for note in notes)


def test_learning_cafe_group_2_note_by_note() -> None:
    _, notes = notes_of(LEARNING_CAFE, "workshop")
    group_2 = [(n.position, n.text, n.kind, n.parent) for n in notes if n.group == "Ryhmä 2"]
    assert group_2 == GROUP_2
    assert notes[11].context == "Kuka johtaa ja koordinoi alueella yritysten vetovoiman lisäämistä"


def test_learning_cafe_group_3_continues_after_its_second_slide() -> None:
    _, notes = notes_of(LEARNING_CAFE, "workshop")
    continued = next(n for n in notes if n.text.startswith("Yrityksille laaditaan mittareita"))
    assert (continued.group, continued.kind) == ("Ryhmä 3", "bullet")
    assert continued.question == QUESTIONS["Ryhmä 3"]


# --- every seed ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_seed_gives_notes_and_no_leftovers(name: str) -> None:
    kind, count = SEEDS[name]
    document, notes = notes_of(CORPORA / name, kind)
    assert_well_formed(document, notes)
    assert len(notes) == count
    for note in notes:
        assert not any(leftover in note.text for leftover in LEFTOVER_TEXTS), note.text
        assert not re.search(r"\d{3} \d{3} \d{4}|puh\.", note.text)
        assert not is_leftover(note.text)
        assert len(note.text.split()) >= 3 or note.kind in ("bullet", "sub_bullet")
    leftover_lines = {line.strip() for line in document.text.split("\n") if is_leftover(line)}
    assert leftover_lines and not leftover_lines & {note.text for note in notes}


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("kind", KINDS)
def test_seed_in_every_kind_keeps_the_invariant(name: str, kind: str) -> None:
    document, notes = notes_of(CORPORA / name, kind)
    assert_well_formed(document, notes)
    assert notes


def test_punos_numbered_goals_and_sentences() -> None:
    document, notes = notes_of(CORPORA / "etela-savo_punos-hanke.txt", "project_description")
    goals = [n for n in notes if n.kind == "bullet"]
    assert [n.text for n in goals] == [
        "Toimia tiedon kokoajana ja kokonaiskuvan muodostajana osaamistarveteemaan liittyen",
        "Osaamisen teeman kannalta oleellisten toimijoiden kokoajana ja kartoittajana",
        "Kokeilla ja pilotoida osallistumisen tapoja.",
    ]
    assert {n.group for n in goals} == {"Hankkeen tavoitteena on"}
    # The 600-character paragraph is cut into sentences; its dates stay whole.
    assert any(
        n.kind == "sentence" and n.text == "Hankkeen kesto on: 1.4.2022 – 31.12.2023" for n in notes
    )
    kinds = [n.kind for n in notes]
    assert (
        kinds
        == ["paragraph"] + ["sentence"] * 3 + ["bullet"] * 3 + ["paragraph"] + ["sentence"] * 8
    )
    assert all(len(n.text) <= 400 for n in notes if n.kind == "paragraph")
    assert (
        notes[0].group
        == "Punos - Osaamisen verkostot ja toimintatapojen kehittäminen Etelä-Savossa"
    )


def test_sitra_headings_become_the_group_of_prose_notes() -> None:
    _, notes = notes_of(CORPORA / "sitra_alueiden-osaamisen-aika.txt", "project_description")
    by_group = {n.group for n in notes}
    assert {"Ketkä ovat mukana?", "Tietoa alueesta", "Tilannekuvafoorumit"} <= by_group
    numbered = [n.text[:2] for n in notes if n.group == "Tietoa alueesta"]
    assert numbered == ["Si", "1)", "2)", "3)"]


# --- workshop structure on small real files ------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("Learning Cafe – RYHMÄ 2", "Ryhmä 2"),
        ("Ryhmä 3", "Ryhmä 3"),
        ("RYHMÄ 1:", "Ryhmä 1"),
        ("Group 2", "Ryhmä 2"),
        ("Työpaja 1", "Työpaja 1"),
        ("RYHMÄ 2 (jatkuu)", "Ryhmä 2"),
        ("## Ryhmä 4", "Ryhmä 4"),
    ],
)
def test_group_heading_variants(heading: str, label: str) -> None:
    document = ParsedDocument(f"{heading}\n\nMiten menee?\n\n- Hyvä kohta tässä", "txt")
    (note,) = segment(document)
    assert (note.group, note.question, note.text) == (label, "Miten menee?", "Hyvä kohta tässä")


@pytest.mark.parametrize(
    "line", ["Ryhmät kokoontuivat aamulla", "Ryhmä 2 keskusteli koulutuksesta."]
)
def test_sentences_about_groups_are_not_group_headings(line: str) -> None:
    notes = segment(ParsedDocument(f"{line}\n\n- Kohta yksi on tässä", "txt"))
    assert all(note.group is None for note in notes)


@pytest.mark.parametrize("marker", ["- ", "• ", "* ", "– ", "1. ", "a) ", "2) ", "+ "])
def test_bullet_markers(marker: str) -> None:
    document = ParsedDocument(f"{marker}Yhteinen visio puuttuu\n  {marker}Ala-ajatus", "txt")
    first, second = segment(document)
    assert (first.text, first.kind) == ("Yhteinen visio puuttuu", "bullet")
    assert (second.text, second.kind, second.parent) == ("Ala-ajatus", "sub_bullet", 0)


def test_wrapped_bullet_lines_extend_the_bullet() -> None:
    text = "- Pitkä ajatus joka jatkuu\n  toisella rivillä\n    - Ala\n- Toinen kohta"
    notes = segment(ParsedDocument(text, "txt"))
    assert [(n.text, n.parent) for n in notes] == [
        ("Pitkä ajatus joka jatkuu\n  toisella rivillä", None),
        ("Ala", 0),
        ("Toinen kohta", None),
    ]


def test_continuation_slide_with_a_reworded_question() -> None:
    text = (
        "Ryhmä 1\n\nMiten nuoret saadaan jäämään alueelle?\n\n- Kesätyöt\n\n"
        "Ryhmä 1 (jatkuu)\n\nMiten nuoret saadaan jäämään alueelle\n\n- Harrastukset ja kulttuuri"
    )
    notes = segment(ParsedDocument(text, "txt"))
    assert [(n.text, n.group, n.question) for n in notes] == [
        ("Kesätyöt", "Ryhmä 1", "Miten nuoret saadaan jäämään alueelle?"),
        ("Harrastukset ja kulttuuri", "Ryhmä 1", "Miten nuoret saadaan jäämään alueelle?"),
    ]


def test_a_heading_topic_and_the_question_under_it_are_both_kept() -> None:
    """ "Ryhmä 1: Vetovoima" names the group's topic; the question under it is the question.
    The topic alone used to be the question and the real question line was dropped."""
    question = "Vetovoima: Miten maakunnasta tehdään houkutteleva paluumuuttajille?"
    text = (
        "Ryhmä 1: Vetovoima\n\nMiten maakunnasta tehdään houkutteleva paluumuuttajille?\n\n"
        "- Etätyömahdollisuudet\n\nRyhmä 1: Vetovoima (jatkuu)\n\n"
        "Miten maakunnasta tehdään houkutteleva paluumuuttajille?\n\n- Edullinen asuminen\n\n"
        "Ryhmä 2: Miten osaajia saadaan?\n\n- Oppisopimus"
    )
    notes = segment(ParsedDocument(text, "txt"))
    assert [(n.text, n.group, n.question) for n in notes] == [
        ("Etätyömahdollisuudet", "Ryhmä 1", question),
        ("Edullinen asuminen", "Ryhmä 1", question),
        ("Oppisopimus", "Ryhmä 2", "Miten osaajia saadaan?"),
    ]


def test_markdown_workshop_file() -> None:
    document, notes = notes_of(FIXTURES / "tyopaja_iisalmi.md", "workshop")
    assert_well_formed(document, notes)
    assert [(n.text.split("\n")[0], n.kind, n.parent, n.group) for n in notes] == [
        ("Asuntoja tarjolla heti muuttajille", "bullet", None, "Ryhmä 1"),
        ("Vuokra-asunnot keskustasta", "sub_bullet", 0, "Ryhmä 1"),
        ("Puolisoiden työllistyminen ratkaisee usein muuton", "bullet", None, "Ryhmä 1"),
        ("Harjoittelupaikat yrityksiin jo ensimmäisenä vuonna", "bullet", None, "Ryhmä 2"),
        ("Opettajien työelämäjaksot", "bullet", None, "Ryhmä 2"),
        ("Lyhyet vierailut yrityksiin", "sub_bullet", 4, "Ryhmä 2"),
        ("Yhteiset hankkeet ammattikorkeakoulun kanssa", "bullet", None, "Ryhmä 2"),
    ]
    assert notes[0].question == "Miten houkutellaan osaajia seudulle?"
    assert {n.question for n in notes[3:]} == {"Mitä oppilaitokset voivat tehdä?"}


def test_word_workshop_lists_become_bullets_and_sub_bullets() -> None:
    word = docx.Document()
    word.add_heading("Learning Cafe – RYHMÄ 3", level=1)
    word.add_paragraph("Miten edistetään hyvinvointia?")
    word.add_paragraph("Lähtökohtana omat arvot", style="List Bullet")
    word.add_paragraph("Hyvinvoinnin brändäys", style="List Bullet 2")
    word.add_paragraph("Kolmas sektori mukaan", style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    document = parse_document("ryhma3.docx", buffer.getvalue())
    notes = segment(document)
    assert [(n.text, n.kind, n.parent, n.group) for n in notes] == [
        ("Lähtökohtana omat arvot", "bullet", None, "Ryhmä 3"),
        ("Hyvinvoinnin brändäys", "sub_bullet", 0, "Ryhmä 3"),
        ("Kolmas sektori mukaan", "bullet", None, "Ryhmä 3"),
    ]
    assert notes[1].context == "Lähtökohtana omat arvot"


def test_table_rows_are_row_notes_with_metadata() -> None:
    document, notes = notes_of(FIXTURES / "palaute_cp1252.csv", "workshop")
    assert_well_formed(document, notes)
    assert [n.kind for n in notes] == ["row"] * 3
    assert notes[1].metadata == {"Ryhmä": "Ryhmä 2", "Päivämäärä": "1.11.2017", "Pisteet": "3"}


# --- prose -------------------------------------------------------------------------------


def test_sentences_do_not_break_on_finnish_abbreviations_or_dates() -> None:
    paragraph = (
        "Hanke kestää 1.4.2022 – 31.12.2023. Mukana ovat mm. Kuopio ja esim. Iisalmi, ns. "
        "veturikaupunki (jne.) ja muut. 1. tavoite on selvä ja 2. tavoite myös. Tapahtuma on "
        "n. 5. toukokuuta klo 9.00 alkaen. Tapio H. Huttula puhuu! Entä sitten? Vuonna 2022. "
        "Se loppui."
    )
    assert [paragraph[a:b] for a, b in split_sentences(paragraph)] == [
        "Hanke kestää 1.4.2022 – 31.12.2023.",
        "Mukana ovat mm. Kuopio ja esim. Iisalmi, ns. veturikaupunki (jne.) ja muut.",
        "1. tavoite on selvä ja 2. tavoite myös.",
        "Tapahtuma on n. 5. toukokuuta klo 9.00 alkaen.",
        "Tapio H. Huttula puhuu!",
        "Entä sitten?",
        "Vuonna 2022.",
        "Se loppui.",
    ]


def test_long_paragraphs_become_sentences_short_ones_stay_whole() -> None:
    short = "Hankkeen tavoitteena on lisätä osaamista. Se tehdään yhdessä."
    long = " ".join(["Tämä on pitkän kappaleen lause numero kaksikymmentä ja vähän yli."] * 8)
    text = f"Tavoitteet\n\n{short}\n\n{long}"
    notes = segment(ParsedDocument(text, "txt"), kind="project_description")
    assert notes[0].kind == "paragraph" and notes[0].text == short
    assert [n.kind for n in notes[1:]] == ["sentence"] * 8
    assert {n.group for n in notes} == {"Tavoitteet"} and {n.question for n in notes} == {None}


def test_prose_headings_in_workshop_documents_are_questions() -> None:
    text = "Miksi nuoret lähtevät?\n\nOpiskelupaikkoja on liian vähän lähellä kotia."
    (note,) = segment(ParsedDocument(text, "txt"))
    assert (note.group, note.question, note.kind) == (None, "Miksi nuoret lähtevät?", "paragraph")


# --- leftovers and languages ---------------------------------------------------------------

LEFTOVER_EXAMPLES = {
    "skip link": "Suoraan sisältöön",
    "navigation": "Mistä on kyse?",
    "breadcrumb": "Etusivu > Hankkeet > Punos",
    "funding logo": "Euroopan unioni Euroopan sosiaalirahasto",
    "logo markup": "POHJOIS|**SAVON**|LIITTO",
    "contact": "puh. 040 629 7210",
    "dateline": "Kuopio 1.11.2017",
}


@pytest.mark.parametrize(("name", "pattern"), LEFTOVER_RULES, ids=[n for n, _ in LEFTOVER_RULES])
def test_each_leftover_rule_has_a_matching_example(name: str, pattern: re.Pattern[str]) -> None:
    assert pattern.fullmatch(LEFTOVER_EXAMPLES[name])
    assert is_leftover(LEFTOVER_EXAMPLES[name])


@pytest.mark.parametrize(
    "line",
    [
        "Hanke rahoitetaan Euroopan sosiaalirahastosta ja valtion varoista.",
        "Kuopiossa 1.11.2017 pidetyssä työpajassa syntyi ideoita.",
        "Yhteinen visio ja tekeminen puuttuu",
        "Lisätietoja tarvitaan nuorten muuttoaikeista.",
    ],
)
def test_content_lines_are_not_leftovers(line: str) -> None:
    assert not is_leftover(line)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Yritykset ovat aktiivisia ja ne kiinnittävät opiskelijan työhön.", "fi"),
        ("Det är viktigt att företagen och skolorna samarbetar i regionen.", "sv"),
        ("The region needs more skilled workers and better training paths.", "en"),
        ("Savilahti", "fi"),
        ("", "fi"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_notes_carry_their_language() -> None:
    text = "- Det är viktigt att företagen och skolorna samarbetar\n- Kesätyöt ovat tärkeitä"
    assert [n.language for n in segment(ParsedDocument(text, "txt"))] == ["sv", "fi"]


# --- properties -------------------------------------------------------------------------------

LINES = st.sampled_from(
    [
        "Learning Cafe – RYHMÄ 2", "RYHMÄ 2 (jatkuu)", "Ryhmä 1:", "Mitä pitäisi tehdä?", "",
        "- Kohta yksi", " - alakohta", "  • syvempi", "1. numeroitu", "a) kirjain", "jatkorivi",
        "Suoraan sisältöön", "puh. 040 123 4567", "Lisätietoja antaa:", "Otsikko ilman pistettä",
        "Tämä on lause. Ja toinen esim. tässä 1.4.2022 klo 9.", "# Otsikko", "-", "   ", "\t- tab",
    ]
)  # fmt: skip
DOCUMENT_TEXT = st.lists(st.one_of(LINES, st.text(max_size=60)), max_size=25).map("\n".join)


@settings(max_examples=250, deadline=None)
@given(text=DOCUMENT_TEXT, kind=st.sampled_from(KINDS))
def test_segment_never_raises_and_keeps_offsets(text: str, kind: str) -> None:
    try:
        document = parse_document("notes.txt", text.encode("utf-8"))
    except ParseError:
        return
    assert_well_formed(document, segment(document, kind=kind))


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300), kind=st.sampled_from(KINDS))
def test_segment_of_unnormalised_text_keeps_offsets(text: str, kind: str) -> None:
    document = ParsedDocument(text, "txt")
    assert_well_formed(document, segment(document, kind=kind))
