"""parse_document on real files: the seed corpora, Word, Excel, PDF and CSV files made
here with the real libraries, and hostile uploads. Only ParseError may ever escape."""

from __future__ import annotations

import io
import random
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from service.pipeline.parse import ParseError, parse_document

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPORA = REPO_ROOT / "corpora"
FIXTURES = Path(__file__).parent / "fixtures"
LEARNING_CAFE = CORPORA / "pohjois-savo_learning-cafe_2017.txt"


# --- builders of real files ---------------------------------------------------------


def docx_bytes(build: Callable[[docx.document.Document], object]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF, written by hand, showing ``lines`` in Helvetica."""

    def literal(line: str) -> bytes:
        escaped = line.encode("cp1252").replace(b"\\", b"\\\\")
        escaped = escaped.replace(b"(", b"\\(").replace(b")", b"\\)")
        return b"(" + b"".join(bytes([c]) if c < 128 else b"\\%03o" % c for c in escaped) + b")"

    stream = b"BT /F1 12 Tf 16 TL 72 720 Td " + b" ".join(literal(ln) + b" Tj T*" for ln in lines)
    stream += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def pptx_bytes() -> bytes:
    """A one-slide deck made with python-pptx."""
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Ryhmä 1"
    slide.placeholders[1].text = "Yhteinen visio puuttuu"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def blank_pdf(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ratio_bomb(member: str) -> bytes:
    """A zip whose one member inflates ~1000:1 (50 MB of zeros from ~50 KB)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w") as handle,
    ):
        for _ in range(50):
            handle.write(bytes(1024 * 1024))
    return buffer.getvalue()


def declared_size_bomb(valid: bytes) -> bytes:
    """A real Office file whose central directory claims a 4 GB member."""
    patched = bytearray(valid)
    position = patched.find(b"PK\x01\x02")
    struct.pack_into("<I", patched, position + 24, 0xFFFFFFF0)  # uncompressed size field
    return bytes(patched)


# --- text encodings and normalisation ---------------------------------------------------


def test_learning_cafe_is_the_same_text_in_every_encoding() -> None:
    source = LEARNING_CAFE.read_text(encoding="utf-8")
    reference = parse_document(LEARNING_CAFE.name, source.encode("utf-8"))
    assert reference.encoding == "utf-8"
    for codec in ("cp1252", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"):
        content = source.encode(codec)
        if codec in ("utf-16-le", "utf-16-be"):  # a BOM is what tells these apart
            content = ("\ufeff" + source).encode(codec)
        parsed = parse_document("notes.TXT", content)
        assert parsed.text == reference.text, codec
    assert "RYHMÄ" in reference.text and "”Itä-Suomi”" in reference.text
    assert "Ã" not in reference.text and "\ufeff" not in reference.text


def test_finnish_windows_file_comes_out_right() -> None:
    text = "Hyvä “idea”: säästö 5 € ja Åbo – ei mojibakea\r\nToinen rivi"
    parsed = parse_document("muistio.txt", text.encode("cp1252"))
    assert parsed.encoding == "cp1252"
    assert parsed.text == "Hyvä “idea”: säästö 5 € ja Åbo – ei mojibakea\nToinen rivi"


def test_stray_byte_that_cp1252_leaves_undefined() -> None:
    content = "Hyvä päivää ja työtä kaikille".encode("cp1252").replace(b" ja", b"\x81 ja")
    parsed = parse_document("a.txt", content)
    assert (parsed.encoding, parsed.text) == ("cp1252", "Hyvä päivää ja työtä kaikille")


def test_other_code_pages_go_to_the_detector() -> None:
    """Cyrillic bytes decode as cp1252 too, as Latin soup; the detector must get them."""
    text = "Привет, это текст на русском языке о региональном развитии и работе."
    parsed = parse_document("a.txt", text.encode("cp1251"))
    assert parsed.text == text and parsed.encoding == "cp1251"


def test_utf8_read_once_as_cp1252_is_repaired() -> None:
    broken = "Hyvä yhteistyö".encode().decode("cp1252")  # "HyvÃ¤ yhteistyÃ¶"
    assert parse_document("a.txt", broken.encode("utf-8")).text == "Hyvä yhteistyö"


def test_normalisation_keeps_bullets_and_indentation() -> None:
    raw = "\ufeffOtsikko  \r\n- kohta\u00a0yksi\t \r - ala\x07kohta\r\n\tsisennys\u200b\n"
    nfd = unicodedata.normalize("NFD", "Ryhmä")
    parsed = parse_document("a.txt", (raw + nfd).encode("utf-8"))
    expected = "Otsikko\n- kohta yksi\n - alakohta\n\tsisennys\u200b\nRyhmä"
    assert parsed.text == expected
    assert unicodedata.is_normalized("NFC", parsed.text)


def test_markdown_keeps_its_markup_and_gives_a_title() -> None:
    parsed = parse_document("tyopaja.MD", (FIXTURES / "tyopaja_iisalmi.md").read_bytes())
    assert parsed.format == "md"
    assert parsed.title == "Osaajapula-työpaja, Iisalmi"
    assert "## Ryhmä 1: Miten houkutellaan osaajia seudulle?\n\n* Asuntoja" in parsed.text
    assert "\n  * Vuokra-asunnot keskustasta\n" in parsed.text


@pytest.mark.parametrize("path", sorted(CORPORA.glob("*.txt")), ids=lambda p: p.stem)
def test_every_seed_parses_to_its_own_text(path: Path) -> None:
    parsed = parse_document(path.name, path.read_bytes())
    source = re.sub("[\u00a0\u202f]", " ", path.read_text(encoding="utf-8"))  # web NBSPs
    assert parsed.format == "txt"
    assert parsed.text == "\n".join(line.rstrip() for line in source.split("\n")).strip("\n")


# --- Word, PDF, CSV, Excel ------------------------------------------------------------


def test_docx_paragraphs_lists_and_tables_in_order() -> None:
    def build(document: docx.document.Document) -> None:
        document.core_properties.title = "Learning Cafe"
        document.add_heading("Ryhmä 2", level=1)
        document.add_paragraph("Millaisia ovat vetovoimaiset oppimisympäristöt?")
        document.add_paragraph("Ensimmäinen kesätyöpaikka olennainen", style="List Bullet")
        document.add_paragraph("Yritykset aktiivisia", style="List Bullet 2")
        document.add_paragraph("Kiinnostava kokonaisuus", style="List Number")
        table = document.add_table(rows=2, cols=2)
        for row, cells in zip(
            table.rows, [("Teema", "Huomio"), ("Koulutus", "Polut")], strict=True
        ):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
        document.add_paragraph("Loppusanat ovat tässä.")

    parsed = parse_document("cafe.docx", docx_bytes(build))
    assert parsed.format == "docx" and parsed.title == "Learning Cafe"
    assert parsed.text == (
        "Ryhmä 2\n\nMillaisia ovat vetovoimaiset oppimisympäristöt?\n\n"
        "- Ensimmäinen kesätyöpaikka olennainen\n - Yritykset aktiivisia\n"
        "- Kiinnostava kokonaisuus\n\nTeema | Huomio\nKoulutus | Polut\n\nLoppusanat ovat tässä."
    )


def test_pdf_text_layer_is_read() -> None:
    lines = ["Learning Cafe - RYHMÄ 1", "- Yhteinen visio puuttuu", "- Hyvä esimerkki €"]
    parsed = parse_document("yhteenveto.pdf", text_pdf(lines))
    assert parsed.format == "pdf"
    assert [ln.strip() for ln in parsed.text.split("\n") if ln.strip()] == lines


def test_csv_with_semicolons_in_cp1252() -> None:
    parsed = parse_document("palaute.csv", (FIXTURES / "palaute_cp1252.csv").read_bytes())
    assert parsed.format == "csv" and parsed.encoding == "cp1252"
    texts = [parsed.text[row.start : row.end] for row in parsed.rows]
    assert texts == [
        "Nuoret lähtevät opiskelemaan muualle; paluumuuttoa tuettava",
        "Yritysten näkyvyys kouluissa – “tutuksi” jo yläkoulussa, kulut 500 €",
        "Hyvinvointi ja työkyky ovat vetovoimatekijöitä",  # the empty comment row is skipped
    ]
    assert parsed.text == "\n\n".join(texts)
    assert parsed.rows[2].metadata == {
        "Ryhmä": "Ryhmä 3",
        "Päivämäärä": "2.11.2017",
        "Pisteet": "4",
    }


def test_xlsx_with_a_chosen_text_column_and_metadata() -> None:
    content = xlsx_bytes(
        [
            ["Alue", "Havainto", "Selite", "Pisteet"],
            ["Kainuu", "Osaajia houkutellaan etätyöllä", "lyhyt", 3],
            ["Lappi", None, "tyhjä rivi", 1],
            ["Pirkanmaa", "  Kampukset yhteistyöhön  ", "", 2.5],
        ]
    )
    parsed = parse_document("havainnot.xlsx", content, text_column="havainto")
    assert parsed.text == "Osaajia houkutellaan etätyöllä\n\nKampukset yhteistyöhön"
    assert [row.metadata for row in parsed.rows] == [
        {"Alue": "Kainuu", "Selite": "lyhyt", "Pisteet": "3"},
        {"Alue": "Pirkanmaa", "Pisteet": "2.5"},  # empty cells are left out
    ]
    # Without a choice, the column with the longest texts wins.
    assert parse_document("havainnot.xlsx", content).text == parsed.text


def test_table_text_column_by_conventional_name() -> None:
    content = b"Kuvaus pitka sarake tekstia,Kommentti\nxxxxxxxxxxxxxxxxxxxxxxx,Lyhyt\n"
    parsed = parse_document("a.csv", content)
    assert parsed.text == "Lyhyt"
    assert parsed.rows[0].metadata == {"Kuvaus pitka sarake tekstia": "xxxxxxxxxxxxxxxxxxxxxxx"}


# --- hostile uploads: each one a ParseError with a message -------------------------------


def _corrupt_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-word/>")
    return buffer.getvalue()


HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "empty": ("a.txt", lambda: b"", "empty"),
    "whitespace only": ("a.txt", lambda: b" \r\n\t \n ", "empty"),
    "whitespace only utf-16": ("a.txt", lambda: " \n ".encode("utf-16"), "empty"),
    "binary junk named txt": ("a.txt", lambda: random.Random(7).randbytes(4096), "not a text file"),
    "control characters": ("a.txt", lambda: b"\x01\x02\x03abc\x04\x05" * 50, "not a text file"),
    "pdf that is not a pdf": ("a.pdf", lambda: b"Just some text named .pdf", "not a PDF"),
    "truncated pdf": ("a.pdf", lambda: text_pdf(["Hei"])[:60], "damaged"),
    "encrypted pdf": ("a.pdf", lambda: blank_pdf(password="salainen"), "password protected"),
    "pdf without text layer": ("a.pdf", lambda: blank_pdf(), "OCR"),
    "docx zip bomb": ("a.docx", lambda: ratio_bomb("word/document.xml"), "zip bomb"),
    "docx huge declared size": (
        "a.docx",
        lambda: declared_size_bomb(docx_bytes(lambda d: d.add_paragraph("x"))),
        "200 MB",
    ),
    "xlsx zip bomb": ("a.xlsx", lambda: ratio_bomb("xl/worksheets/sheet1.xml"), "zip bomb"),
    "xlsx huge declared size": (
        "a.xlsx",
        lambda: declared_size_bomb(xlsx_bytes([["a"]])),
        "200 MB",
    ),
    "unknown extension": ("notes.exe", lambda: b"MZ text", ".txt, .md, .docx, .pdf, .csv, .xlsx"),
    "no extension": ("README", lambda: b"text", "not supported"),
    "corrupt docx": ("a.docx", _corrupt_docx, "damaged"),
    "truncated docx": ("a.docx", lambda: docx_bytes(lambda d: None)[:500], "not a zip"),
    "text named docx": ("a.docx", lambda: b"plain text", "not a zip"),
    "corrupt xlsx": ("a.xlsx", _corrupt_docx, "damaged"),
    "malformed vtt": (
        "a.vtt",
        lambda: b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Hei</v>\n\n00:00:03 --> soon\nx\n",
        "line 6 is malformed",
    ),
    "vtt without header": ("a.vtt", lambda: b"00:00:01.000 --> 00:00:02.000\nHei\n", "WEBVTT"),
    "vtt of binary junk": ("a.vtt", lambda: random.Random(3).randbytes(4096), "not a text file"),
    "vtt of notices only": (
        "a.vtt",
        lambda: (
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Liisa>Liisa aloitti transkription</v>\n"
        ),
        "no speech",
    ),
    "srt without subtitles": ("a.srt", lambda: b"just some text\nand more\n", "No subtitles"),
    "srt with a broken time": (
        "a.srt",
        lambda: b"1\n00:00:01,000 --> 00:00:0x,000\nHei\n",
        "could not be read",
    ),
    "pptx zip bomb": ("a.pptx", lambda: ratio_bomb("ppt/slides/slide1.xml"), "zip bomb"),
    "pptx huge declared size": ("a.pptx", lambda: declared_size_bomb(pptx_bytes()), "200 MB"),
    "corrupt pptx": ("a.pptx", _corrupt_docx, "damaged"),
    "text named pptx": ("a.pptx", lambda: b"plain text", "not a zip"),
    "csv without text": ("a.csv", lambda: b"a,b\n1,2\n3,4\n", "No column holds text"),
    "csv unknown column": ("a.csv", lambda: b"teksti\nhei\n", "no column 'x'"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_hostile_upload_is_a_parse_error(case: str) -> None:
    filename, make, fragment = HOSTILE[case]
    text_column = "x" if case == "csv unknown column" else None
    with pytest.raises(ParseError) as caught:
        parse_document(filename, make(), text_column=text_column)
    assert fragment.casefold() in caught.value.message.casefold()
    assert caught.value.message.endswith(".")


def test_huge_single_line_over_the_limit() -> None:
    with pytest.raises(ParseError, match="limit of 100,000 characters"):
        parse_document("a.txt", b"a" * 100_001, max_chars=100_000)
    # Exactly at the limit is fine, and one long line is read in linear time.
    assert len(parse_document("a.txt", b"a " * 50_000, max_chars=100_000).text) == 99_999


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".md"])
def test_byte_size_is_checked_before_decoding(suffix: str) -> None:
    with pytest.raises(ParseError, match="limit of 10 characters"):
        parse_document("a" + suffix, b"x" * 45, max_chars=10)


# --- properties ---------------------------------------------------------------------------

SUFFIXES = [
    ".txt",
    ".md",
    ".csv",
    ".pdf",
    ".docx",
    ".xlsx",
    ".vtt",
    ".srt",
    ".pptx",
    ".TXT",
    ".odt",
    "",
]
PREFIXES = [
    b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"WEBVTT\n\n",
    b"1\n00:00:01,000 --> 00:00:02,000\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(PREFIXES),
    content=st.binary(max_size=2000),
    suffix=st.sampled_from(SUFFIXES),
)
def test_arbitrary_bytes_raise_nothing_but_parse_error(
    prefix: bytes, content: bytes, suffix: str
) -> None:
    try:
        parsed = parse_document("upload" + suffix, prefix + content)
    except ParseError as error:
        assert error.message
        return
    assert parsed.text.strip() and "\r" not in parsed.text


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=500),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    suffix=st.sampled_from([".txt", ".md", ".csv"]),
)
def test_arbitrary_text_raises_nothing_but_parse_error(text: str, codec: str, suffix: str) -> None:
    try:
        content = text.encode(codec)
    except UnicodeEncodeError:
        content = text.encode("utf-8")
    try:
        parsed = parse_document("notes" + suffix, content)
    except ParseError:
        return
    assert unicodedata.is_normalized("NFC", parsed.text)
    assert "\r" not in parsed.text and "\ufeff" not in parsed.text
    assert all(line == line.rstrip(" \t") for line in parsed.text.split("\n"))


REAL_FILES = {
    ".docx": docx_bytes(
        lambda d: (d.add_heading("Ryhmä 1"), d.add_paragraph("Kohta", style="List Bullet"))
    ),
    ".xlsx": xlsx_bytes([["Alue", "Teksti"], ["Kainuu", "Etätyö houkuttaa"]]),
    ".pdf": text_pdf(["Ryhmä 1", "- Yhteinen visio puuttuu"]),
    ".pptx": pptx_bytes(),
    ".vtt": "WEBVTT\n\nx/1-0\n00:00:01.000 --> 00:00:02.500\n<v Liisa K>Mitä?</v>\n".encode(),
    ".srt": b"1\r\n00:00:01,000 --> 00:00:02,500\r\nLiisa: Hei kaikki\r\n",
}


@settings(max_examples=150, deadline=None)
@given(
    suffix=st.sampled_from(sorted(REAL_FILES)),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.binary(max_size=8), st.integers(0, 40)), max_size=6
    ),
)
def test_damaged_real_files_raise_nothing_but_parse_error(
    suffix: str, edits: list[tuple[float, bytes, int]]
) -> None:
    """Real Word, Excel and PDF files with bytes overwritten, inserted or cut out."""
    content = bytearray(REAL_FILES[suffix])
    for where, insert, cut in edits:
        at = int(where * len(content))
        content[at : at + cut] = insert
    try:
        parse_document("damaged" + suffix, bytes(content))
    except ParseError as error:
        assert error.message


def test_utf8_and_cp1252_lines_mixed_in_one_file() -> None:
    content = "- työvoima ja äidinkieli\n".encode() + "- Ähtäri ja Pöytyä\n".encode("cp1252")
    parsed = parse_document("sekoitus.txt", content)
    assert "työvoima ja äidinkieli" in parsed.text and "Ähtäri ja Pöytyä" in parsed.text
    assert parsed.encoding == "utf-8+cp1252"
