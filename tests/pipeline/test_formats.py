"""Transcripts, slide decks, PDFs by layout and titled tables, read from the fixtures that
``fixtures/formats/make_fixtures.py`` writes, checked note by note where structure matters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from service.pipeline.document import NoteDraft, ParsedDocument
from service.pipeline.parse import ParseError, parse_document
from service.pipeline.pdf import Line, lay_out
from service.pipeline.segment import segment
from service.pipeline.tables import parse_columns

REPO_ROOT = Path(__file__).resolve().parents[2]
FORMATS = Path(__file__).parent / "fixtures" / "formats"
LEARNING_CAFE = REPO_ROOT / "corpora" / "pohjois-savo_learning-cafe_2017.txt"


def read(name: str, **options: object) -> tuple[ParsedDocument, tuple[NoteDraft, ...]]:
    facilitators = options.pop("facilitators", ())
    document = parse_document(name, (FORMATS / name).read_bytes(), **options)  # type: ignore[arg-type]
    kind = "transcript" if document.is_transcript else "workshop"
    notes = segment(document, kind=kind, facilitators=facilitators)  # type: ignore[arg-type]
    for position, note in enumerate(notes):
        assert note.text == document.text[note.start : note.end]
        assert note.position == position and note.text.strip() == note.text
    return document, notes


def structure(
    notes: tuple[NoteDraft, ...],
) -> list[tuple[str, str, str | None, str | None, int | None]]:
    return [(n.text, n.kind, n.group, n.question, n.parent) for n in notes]


def test_the_committed_fixtures_are_what_the_generator_makes() -> None:
    """Office files carry save times, so the notes are compared, not the bytes."""
    sys.path.insert(0, str(FORMATS))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(FORMATS))
    for name, content in make_fixtures.sources().items():
        fresh = parse_document(name, content)
        committed = parse_document(name, (FORMATS / name).read_bytes())
        assert fresh.text == committed.text, name
        assert segment(fresh) == segment(committed), name


# --- slides and their PDF -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["learning-cafe_2017.pptx", "learning-cafe_2017.pdf"])
def test_learning_cafe_deck_gives_the_notes_of_its_text(name: str) -> None:
    """The seed laid out as slides (logos, funding lines and page numbers on every slide,
    groups 2 and 3 continued on "(jatkuu)" slides), and that deck saved as PDF."""
    text_notes = segment(parse_document("lc.txt", LEARNING_CAFE.read_bytes()))
    document, notes = read(name)
    assert len(notes) == 48
    assert structure(notes) == structure(text_notes)
    assert sum(n.kind == "sub_bullet" for n in notes) == 26
    assert not any(word in document.text for word in ("Vipuvoimaa", "POHJOIS|SAVON", "sosiaalir"))


def test_slide_titles_group_notes_and_the_notes_pane_adds_notes() -> None:
    document, notes = read("osaaminen_tyopaja.pptx")
    groups = {n.group for n in notes}
    assert groups == {"Osaavan työvoiman saatavuus", "Vetovoimainen asuinympäristö"}
    first = [n for n in notes if n.group == "Osaavan työvoiman saatavuus"]
    assert [n.text for n in first] == [
        "Sosiaali- ja terveysalan hoitajapula pahenee",
        "Eläköityminen nopeinta pienissä kunnissa",
        "Teknologiateollisuus tarvitsee automaatio-osaajia",
        "Digitaidot kaikille aloille",
        "Keskustelussa korostui, että kansainvälisten osaajien kotoutumiseen tarvitaan "
        "lisää tukea.",  # the notes pane
        "Oppisopimuskoulutusta lisättävä",  # the "(jatkuu)" slide
        "Yrittäjät kaipaavat tukea ohjaukseen",
    ]
    assert [n.parent for n in first] == [None, 0, None, None, None, None, 5]
    question = "Mitkä ovat alueen suurimmat osaamistarpeet seuraavan viiden vuoden aikana?"
    assert {n.question for n in first} == {question}
    assert notes[-1].text == "Puolisoiden työllistyminen ratkaisee usein muuttopäätöksen."
    assert "Osaamisfoorumi 2023" not in document.text and "1 / 3" not in document.text


def test_a_notes_pane_line_on_most_slides_is_furniture() -> None:
    """A facilitator's contact line pasted into every slide's notes is no note; a notes
    pane line of one slide is."""
    import io

    from pptx import Presentation

    deck = Presentation()
    slides = [("Vetovoima", "Etätyö"), ("Osaajat", "Oppisopimus"), ("Nuoret", "Kesätyö")]
    for title, bullet in slides:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text_frame.text = bullet
        notes = slide.notes_slide.notes_text_frame
        notes.text = "Fasilitaattori: Maija Virtanen, puh. 040 1234567"
        if title == "Osaajat":
            notes.add_paragraph().text = "Kansainväliset opiskelijat harjoitteluun yrityksiin"
    content = io.BytesIO()
    deck.save(content)
    notes = segment(parse_document("deck.pptx", content.getvalue()))
    assert [(n.text, n.group) for n in notes] == [
        ("Etätyö", "Vetovoima"),
        ("Oppisopimus", "Osaajat"),
        ("Kansainväliset opiskelijat harjoitteluun yrityksiin", "Osaajat"),
        ("Kesätyö", "Nuoret"),
    ]


def test_word_report_as_pdf_keeps_bullets_levels_and_drops_running_header() -> None:
    document, notes = read("hankeraportti.pdf")
    assert document.title == "Punos-hankkeen väliraportti"
    assert "Punos – osaamistarpeiden ennakointi" not in document.text  # running header
    assert "Sivu" not in document.text  # page number footer
    first = notes[:11]
    assert [(n.kind, n.parent) for n in first[1:6]] == [
        ("bullet", None), ("sub_bullet", 1), ("sub_bullet", 1), ("bullet", None), ("bullet", None)
    ]  # fmt: skip
    # Wrapped lines joined by layout, though the second line starts with a capital-free word
    # and the first ends without punctuation; one-word bullets kept.
    assert first[1].text == (
        "Yritykset tarvitsevat erityisesti digitaalisen markkinoinnin ja tiedolla johtamisen "
        "osaamista, mutta koulutustarjontaa on vähän lähellä"
    )
    assert [first[2].text, first[3].text] == ["Verkkokoulutus", "Lyhytkurssit"]
    assert first[0].text.startswith("Hankkeen ensimmäisenä vuonna") and first[0].text.endswith(
        "Tässä raportissa kootaan tärkeimmät havainnot."
    )
    assert len(notes) == 36


def _line(text: str, x0: float, top: float, size: float = 11.0, body: float | None = None) -> Line:
    return Line(text, x0, top, top + size * 1.2, size, body)


@pytest.mark.parametrize("glyph", ["\uf0b7", "\u2022", "\u25aa", "–", "o"])
def test_pdf_bullet_glyphs_and_wrapped_capitals(glyph: str) -> None:
    page = [
        _line("Havainnot", 72, 60, size=16),
        _line(f"{glyph} Ensimmäinen havainto, joka jatkuu", 72, 90, body=90),
        _line("Seuraavalla rivillä isolla alkukirjaimella", 90, 104),
        _line(f"{glyph} Toinen", 90, 124, body=108),
        _line(f"{glyph} Kolmas havainto", 72, 144, body=90),
    ]
    assert lay_out([page]) == (
        "Havainnot\n\n"
        "- Ensimmäinen havainto, joka jatkuu Seuraavalla rivillä isolla alkukirjaimella\n"
        "  - Toinen\n"
        "- Kolmas havainto"
    )


def test_pdf_text_at_the_same_place_on_most_pages_is_dropped() -> None:
    pages = [
        [
            _line("Hankeraportti 2023", 72, 30),
            _line(f"Sivun {n} oma kappale, jossa on ajatus.", 72, 100 + 20 * n),
            _line(f"Sivu {n} / 4", 500, 800),
        ]
        for n in range(1, 5)
    ]
    assert lay_out(pages).split("\n\n") == [
        f"Sivun {n} oma kappale, jossa on ajatus." for n in range(1, 5)
    ]


# --- transcripts --------------------------------------------------------------------------

FIRST_QUESTION = "Ensimmäinen kysymys: millaisia kokemuksia teillä on etätyöstä täällä Kainuussa?"
SECOND_QUESTION = (
    "Mitä kunnat ja yritykset voisivat tehdä, jotta etätyöntekijät viihtyisivät täällä pidempään?"
)


def test_teams_vtt_note_by_note() -> None:
    document, notes = read("etatyo_teams.vtt")
    assert document.format == "vtt" and len(document.turns) == 11
    assert "<v" not in document.text and "-->" not in document.text
    assert "transkription" not in document.text
    got = [(n.speaker, n.speaker_role, n.turn, n.question, n.text[:30]) for n in notes]
    assert got == [
        ("Liisa Korhonen", "facilitator", 0, None, "Tänään keskustellaan etätyöstä"),
        ("Matti Virtanen", "participant", 1, FIRST_QUESTION, "No minä olen tehnyt etätöitä K"),
        ("Matti Virtanen", "participant", 1, FIRST_QUESTION, "Toinen asia on se, että täällä"),
        ("Jussi Heikkinen", "participant", 3, FIRST_QUESTION, "Minulla on vähän eri kokemus. "),
        ("Sanna Tiihonen", "participant", 5, FIRST_QUESTION, "Kunnan näkökulmasta etätyö on "),
        ("Sanna Tiihonen", "participant", 5, FIRST_QUESTION, "Mutta palvelujen pitää pysyä m"),
        ("Liisa Korhonen", "facilitator", 7, FIRST_QUESTION, "Siirrytään seuraavaan teemaan."),
        ("Jussi Heikkinen", "participant", 8, SECOND_QUESTION, "Minusta tärkeintä olisivat yht"),
        ("Matti Virtanen", "participant", 9, SECOND_QUESTION, "Lisäksi harrastukset ja yhteis"),
    ]  # fmt: skip
    # Cues cut mid-sentence are one turn again; the long turn is two ideas.
    assert notes[1].text.endswith(
        "Valokuituverkko rakennettiin meidän kylään vasta kaksi vuotta "
        "sitten, ja ennen sitä etätyö ei olisi ollut mahdollista."
    )
    assert notes[2].text.endswith("ja luonto on heti oven ulkopuolella.")
    assert (notes[1].start_time, notes[2].end_time) == (15.4, 39.8)
    assert all(n.kind == "turn" and n.group is None for n in notes)
    assert not any(n.text in ("Joo.", "Niin.", "Kiitos.") for n in notes)


def test_srt_speakers_carry_over_and_the_interviewer_is_found_by_questions() -> None:
    document, notes = read("paluumuutto.srt")
    assert {t.speaker for t in document.turns} == {"Haastattelija", "Anna Mäkinen"}
    first = "Kerrotko ensin, miksi päätitte muuttaa takaisin Kainuuseen?"
    assert [(n.speaker, n.speaker_role, n.question) for n in notes] == [
        ("Anna Mäkinen", "participant", first),
        ("Anna Mäkinen", "participant", "Mikä muutossa oli vaikeinta?"),
        ("Anna Mäkinen", "participant", "Mikä muutossa oli vaikeinta?"),
        ("Anna Mäkinen", "participant", "Suosittelisitko paluumuuttoa muille?"),
    ]  # fmt: skip
    assert notes[2].text == (
        "Ja kyllä julkinen liikenne on ongelma. Ilman kahta autoa arki ei maaseudulla toimi."
    )


def test_teams_word_transcript() -> None:
    document, notes = read("osallisuus_teams.docx")
    assert document.format == "docx" and document.title == "Nuorten osallisuus -työpaja"
    assert "aloitti transkription" not in document.text
    assert "lopetti transkription" not in document.text
    assert [t.speaker for t in document.turns[:3]] == [
        "Päivi Laitinen", "Eetu Räsänen", "Helena Karjalainen"
    ]  # fmt: skip
    assert all(n.question is None or n.question.endswith("?") for n in notes)
    assert notes[0].speaker_role == "facilitator"
    assert notes[0].text == "Aiheena on nuorten osallisuus kunnan päätöksenteossa."
    assert notes[1].question == "Miten nuoret saataisiin mukaan päätöksentekoon nykyistä paremmin?"
    assert notes[1].start_time == 14.0 and notes[1].end_time == 27.0
    assert notes[-1].end_time is None  # the last turn's end is not in the file
    assert not any(n.speaker and n.speaker in n.text for n in notes)


def test_typed_transcript_with_times_and_numbered_participants() -> None:
    document, notes = read("haastattelu_kainuu.txt")
    assert [(n.speaker, n.start_time) for n in notes] == [
        ("Osallistuja 3", 760.0),
        ("Osallistuja 1", 778.0),  # the turn's first cue, "Joo.", is no note
        ("Osallistuja 3", 795.0),
        ("Osallistuja 2", 811.0),
    ]
    assert notes[1].text.startswith("Kaivosteollisuus")  # "Joo." before it is no note
    assert not any("[00:" in n.text or "Osallistuja" in n.text for n in notes)
    assert notes[3].question == "Entä mitä heikkouksia näette alueen koulutustarjonnassa?"


def test_facilitator_named_at_upload_wins() -> None:
    _, notes = read("etatyo_teams.vtt", facilitators=["matti virtanen"])
    roles = {n.speaker: n.speaker_role for n in notes}
    assert roles["Matti Virtanen"] == "facilitator"
    assert roles["Liisa Korhonen"] == "participant"


LABELLED_LINES = (
    "Ryhmä 1\n\nHaaste: Nuoret muuttavat pois opiskelemaan\nRatkaisu: Etäopiskelu kotoa käsin\n"
    "Haaste: Palvelut ovat kaukana\nRatkaisu: Liikkuvat palvelut kylille\n"
    "Haaste: Työpaikkoja on vähän\nRatkaisu: Yrittäjyyden tukeminen\n"
)


def test_labelled_note_lines_are_not_a_transcript_unless_the_upload_says_so() -> None:
    plain = parse_document("a.txt", LABELLED_LINES.encode())
    assert not plain.is_transcript
    declared = parse_document("a.txt", LABELLED_LINES.encode(), transcript_declared=True)
    assert [t.speaker for t in declared.turns] == ["Haaste", "Ratkaisu"] * 3


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("no header\n\n00:00:01.000 --> 00:00:02.000\nHei", "does not start with 'WEBVTT'"),
        ("WEBVTT\n\n00:00:01.000 --> nonsense\n<v A>Hei</v>\n", "could not be read"),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>A aloitti transkription</v>\n",
            "no speech",
        ),
    ],
)
def test_broken_vtt_is_a_parse_error(content: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        parse_document("a.vtt", content.encode())


# --- tables -------------------------------------------------------------------------------


def test_workbook_header_found_below_title_rows_and_fields_mapped() -> None:
    _, notes = read("palaute_kainuu.xlsx")
    assert [(n.group, n.question, n.speaker) for n in notes[1:3]] == [
        ("Ryhmä A", "Mikä houkuttelee alueelle?", "Osallistuja 2"),
        ("Ryhmä B", "Mitä pitäisi kehittää?", "Osallistuja 3"),
    ]
    assert notes[0].text == "Luonto ja edullinen asuminen houkuttelevat perheitä."
    assert (
        notes[0].metadata["Alue"] == "Kajaani" and notes[0].metadata["Päivämäärä"] == "2024-03-12"
    )
    assert not any(key.startswith("column") for note in notes for key in note.metadata)


def test_table_columns_named_at_upload() -> None:
    content = "Pöytä;Aihe;Kuka;Kommentti\nA;Liikenne;Eeva;Bussit kulkevat liian harvoin\n"
    columns = parse_columns("group=Pöytä, question=Aihe, speaker=Kuka")
    (note,) = segment(parse_document("a.csv", content.encode(), columns=columns))
    assert (note.group, note.question, note.speaker) == ("A", "Liikenne", "Eeva")
    with pytest.raises(ParseError, match="no column 'Ryhmä' for the group"):
        parse_document("a.csv", content.encode(), columns={"group": "Ryhmä"})
    with pytest.raises(ParseError, match="field=column"):
        parse_columns("kunta=Alue")
