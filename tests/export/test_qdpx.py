"""REFI-QDA exports: validated against the REFI-QDA XML schemas, read back exactly, stable
across re-exports, and QDA-tool projects mapped onto notes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from service.export import write_export
from service.export.qdpx_import import (
    NoteSpan,
    QdpxError,
    QdpxSelection,
    codes_for_notes,
    read_qdpx,
)
from service.storage.models import Document, Note, Project
from tests.factories import SAMPLE_THEMES, database, sample_project, tool_qdpx

SCHEMAS = Path(__file__).parent / "schemas"
PROJECT_NS = "{urn:QDA-XML:project:1.0}"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def test_the_schemas_reject_what_they_should() -> None:
    # A schema that accepts anything would make the validation tests below worthless.
    project = _schema("Project-mrt2019.xsd")
    bad_guid = (
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Users><User guid="nope"/>'
        b"</Users></Project>"
    )
    assert not project.validate(etree.fromstring(bad_guid))
    empty_book = (
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes/></CodeBook></Project>'
    )
    assert not project.validate(etree.fromstring(empty_book))
    codebook = _schema("Codebook-mrt2019.xsd")
    ok = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="a" isCodable="true" '
        b'guid="0c0e8a3e-8f3f-4e4b-9a3c-7b6d2c1f0a11" color="#ABCDEF"/></Codes></CodeBook>'
    )
    assert codebook.validate(etree.fromstring(ok))
    assert not codebook.validate(etree.fromstring(ok.replace(b"#ABCDEF", b"blue")))


def _export_sample(database_url: str, folder: Path) -> tuple[Path, Path, dict]:
    folder.mkdir(exist_ok=True)
    with database(database_url) as db:
        sample = sample_project(db)
        with db.session() as session:
            project = session.get(Project, sample.project_id)
            write_export(session, project, "qdpx", folder / "p.qdpx")
            write_export(session, project, "qdc", folder / "p.qdc")
            documents = {d.filename: d.text for d in session.query(Document)}
            notes = {(n.document_id, n.start, n.end): n.text for n in session.query(Note)}
    return (
        folder / "p.qdpx",
        folder / "p.qdc",
        {"sample": sample, "documents": documents, "notes": notes},
    )


def test_qdpx_is_valid_and_reads_back_exactly(database_url: str, tmp_path: Path) -> None:
    qdpx, qdc, known = _export_sample(database_url, tmp_path)
    archive = zipfile.ZipFile(qdpx)
    names = archive.namelist()
    assert "project.qde" in names
    sources = [n for n in names if n != "project.qde"]
    assert len(sources) == 3 and all(re.match(r"^sources/[0-9a-f-]{36}\.txt$", n) for n in sources)
    root = etree.fromstring(archive.read("project.qde"))
    schema = _schema("Project-mrt2019.xsd")
    assert schema.validate(root), schema.error_log
    for element in root.iter():
        if "guid" in element.attrib:
            assert GUID.match(element.get("guid")), element.get("guid")
    for source in root.iter(f"{PROJECT_NS}TextSource"):
        guid = source.get("guid")
        assert source.get("plainTextPath") == f"internal://{guid}.txt"
        assert f"sources/{guid}.txt" in names
    region_values = {
        s.get("name"): [
            v.findtext(f"{PROJECT_NS}TextValue") for v in s.iter(f"{PROJECT_NS}VariableValue")
        ]
        for s in root.iter(f"{PROJECT_NS}TextSource")
    }
    assert region_values["etelä-savo.txt"][:2] == ["Etelä-Savo", "project_description"]
    dates = [d.text for d in root.iter(f"{PROJECT_NS}DateValue")]
    assert sorted(dates) == ["2017-11-01", "2018-02-15"]  # the undated document has none
    cases = {c.get("name") for c in root.iter(f"{PROJECT_NS}Case")}
    assert cases == {"Pohjois-Savo", "Etelä-Savo", "Kainuu"}
    # A case is named by its region and only lists its sources: a region VariableValue on
    # the case makes QualCoder treat region as a case variable and hide the file values.
    for case in root.iter(f"{PROJECT_NS}Case"):
        assert [child.tag for child in case] == [f"{PROJECT_NS}SourceRef"] * len(case)
        assert len(case) >= 1

    codebook = _schema("Codebook-mrt2019.xsd")
    assert codebook.validate(etree.parse(str(qdc))), codebook.error_log

    # Each code's description holds the theme's sentence (markup kept as text) and keywords.
    descriptions = {
        code.get("name"): code.findtext(f"{PROJECT_NS}Description")
        for code in root.iter(f"{PROJECT_NS}Code")
    }
    for spec in SAMPLE_THEMES.values():
        assert spec.description in descriptions[spec.name]
        assert "Keywords: " + ", ".join(spec.keywords) in descriptions[spec.name]
    qdc_descriptions = [
        d.text for d in etree.parse(str(qdc)).iter("{urn:QDA-XML:codebook:1.0}Description")
    ]
    assert any(SAMPLE_THEMES[2].description in (d or "") for d in qdc_descriptions)

    # Read back: document texts, selection offsets (code points) and code names.
    project = read_qdpx(qdpx)
    assert sorted(project.codes.values()) == sorted(t.name for t in SAMPLE_THEMES.values())
    sample = known["sample"]
    coded = {(t, k) for _, t, k in sample.notes.values() if k is not None}
    read: set[tuple[str, int]] = set()
    for source in project.sources:
        text = known["documents"][source.name]
        assert source.text == text
        for selection in source.selections:
            note_text = text[selection.start : selection.end]
            (code,) = (project.codes[g] for g in selection.code_guids)
            key = next(k for k, spec in SAMPLE_THEMES.items() if spec.name == code)
            read.add((note_text, key))
    assert read == coded
    assert sum(len(s.selections) for s in project.sources) == len(coded) == 12
    # Umlauts before a note shift nothing: offsets count code points, not bytes.
    assert any("Ä" in t for t, _ in coded)


def test_reexport_is_byte_identical(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    first, _, _ = _export_sample(url, tmp_path / "one")
    with database(url) as db, db.session() as session:
        project = session.get(Project, 1)
        write_export(session, project, "qdpx", tmp_path / "again.qdpx")
    assert (tmp_path / "again.qdpx").read_bytes() == first.read_bytes()


def test_reading_a_qda_tool_project(tmp_path: Path) -> None:
    text = "Otsikko\n\n- Työvoimaa tarvitaan\n- Äänekoski ja Iisalmi tarvitsevat hoitajia\n"
    project = read_qdpx(tool_qdpx(tmp_path, text))
    assert project.codes[f"{2:08x}-1111-4111-8111-{2:012x}"] == "Rekrytointi"
    inline, from_file = project.sources
    assert inline.text == text and from_file.text == "Vieras teksti"  # BOM dropped
    assert len(project.skipped) == 1 and "docx only" in project.skipped[0]
    with pytest.raises(QdpxError, match="zip"):
        read_qdpx(b"not a zip")
    no_qde = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(no_qde, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(QdpxError, match="project.qde"):
        read_qdpx(no_qde)


def test_selections_code_the_notes_they_cover() -> None:
    codes = {"a": "A", "b": "B"}
    notes = [NoteSpan(1, 0, 100), NoteSpan(2, 100, 200), NoteSpan(3, 200, 300)]
    selections = [
        QdpxSelection(10, 30, ("a",)),  # a phrase inside note 1: codes it
        QdpxSelection(170, 260, ("b",)),  # 30 of note 2 (under half), 60 of note 3
        QdpxSelection(0, 0, ("b",)),  # empty
        QdpxSelection(40, 60, ("unknown",)),
    ]
    assert codes_for_notes(notes, selections, codes) == {1: "A", 3: "B"}
    # The code with the most overlap wins.
    two = [QdpxSelection(0, 40, ("a",)), QdpxSelection(40, 100, ("b",))]
    assert codes_for_notes(notes[:1], two, codes) == {1: "B"}


def test_guids_are_uuid5_and_names_with_markup_survive(tmp_path: Path) -> None:
    import uuid

    from service.export.qdc import _GUID_ROOT, stable_guid
    from tests.factories import ThemeSpec, add_document, add_project, add_run

    for args in [(1, "code", 3), (12, "selection", 99_999), (5, "case", "Etelä-Savo")]:
        name = "/".join(str(a) for a in args)
        assert stable_guid(*args) == str(uuid.uuid5(_GUID_ROOT, name))
    assert stable_guid(1, "code", 3) != stable_guid(2, "code", 3)

    with database(f"sqlite:///{tmp_path / 'm.db'}") as db:
        project = add_project(db, "merkit")
        odd = 'Rivi\tjossa "lainaus" & <kulma>\x07 merkki'
        ids = add_document(db, project, [odd], "Kainuu", filename='muistio "A" & <B>.txt')
        add_run(db, project, {7: ThemeSpec('Koulutus & "osaaminen" <2>', ("a&b",))}, {ids[0]: 7})
        with db.session() as session:
            write_export(session, session.get(Project, project), "qdpx", tmp_path / "m.qdpx")
            write_export(session, session.get(Project, project), "qdc", tmp_path / "m.qdc")
    root = etree.fromstring(zipfile.ZipFile(tmp_path / "m.qdpx").read("project.qde"))
    assert _schema("Project-mrt2019.xsd").validate(root)
    assert _schema("Codebook-mrt2019.xsd").validate(etree.parse(str(tmp_path / "m.qdc")))
    read = read_qdpx(tmp_path / "m.qdpx")
    assert list(read.codes.values()) == ['Koulutus & "osaaminen" <2>']
    (source,) = read.sources
    assert source.name == 'muistio "A" & <B>.txt'
    (selection,) = source.selections
    assert source.text[selection.start : selection.end] == odd  # the text file keeps it all
    name = next(root.iter(f"{PROJECT_NS}PlainTextSelection")).get("name")
    assert name == odd.replace("\x07", "")  # XML 1.0 cannot carry the bell character
