"""A project as a REFI-QDA Project Exchange file (``.qdpx``, QDA-XML project 1.0) for
NVivo, ATLAS.ti, MAXQDA and QualCoder.

The zip holds ``project.qde`` and ``sources/<guid>.txt``: each document is a TextSource
whose plain text (the normalised text our note offsets point into) is an internal file;
each theme is a Code; each note with a theme is a PlainTextSelection whose start and end
positions count Unicode code points, carrying a Coding with a CodeRef. Region, kind, event
and date are Variables with values per source, and each region is a Case (named by the
region, listing its sources, with no values of its own).

Memory stays bounded: each document's text goes into the zip as soon as it is read, and
project.qde is written element by element to a temporary file and copied in at the end.
GUIDs are uuid5 of project and object ids and zip entries carry a fixed timestamp, so
exporting the same data twice gives byte-identical files.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.export.qdc import ORIGIN, code_guid, stable_guid, theme_colour, xml_text
from service.export.rows import ThemeInfo, iter_coded_spans, run_themes
from service.storage.models import Document, Project, ThemeRun

NAMESPACE = "urn:QDA-XML:project:1.0"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so re-exports are identical
_SELECTION_NAME_CHARS = 80
# (variable, type of variable); values come from the document.
VARIABLES = (("region", "Text"), ("kind", "Text"), ("event", "Text"), ("date", "Date"))
# Characters that need escaping in XML text or attribute values, or that XML 1.0 forbids.
_SPECIAL = re.compile('[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


@dataclass(frozen=True)
class QdpxSummary:
    documents: int
    codes: int
    codings: int


@dataclass(frozen=True)
class _SourceMeta:
    id: int
    filename: str
    region: str
    kind: str
    event: str | None
    date: str | None  # ISO date

    def value(self, variable: str) -> str | None:
        return {"region": self.region, "kind": self.kind, "event": self.event, "date": self.date}[
            variable
        ]


def _escape(value: str, attribute: bool = True) -> str:
    """``value`` made safe for XML. Line breaks in attributes become character references,
    so a parser gives them back instead of normalising them to spaces."""
    if _SPECIAL.search(value) is None:  # the common case: nothing to do
        return value
    value = xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\r", "&#13;")
    if attribute:
        value = value.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return value


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {k}="{_escape(v)}"' for k, v in attributes.items())


class _Xml:
    """The few XML-writing operations a project needs, straight to a text stream.

    Hand-written rather than lxml's incremental writer: a 50,000-note export writes
    200,000 elements, and formatting strings is several times faster."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.open_tags: list[str] = []

    def start(self, tag: str, attributes: dict[str, str] | None = None) -> None:
        self.out.write(f"<{tag}{_attributes(attributes or {})}>")
        self.open_tags.append(tag)

    def end(self) -> None:
        self.out.write(f"</{self.open_tags.pop()}>\n")

    def leaf(
        self, tag: str, attributes: dict[str, str] | None = None, text: str | None = None
    ) -> None:
        if text:
            body = _escape(text, attribute=False)
            self.out.write(f"<{tag}{_attributes(attributes or {})}>{body}</{tag}>\n")
        else:
            self.out.write(f"<{tag}{_attributes(attributes or {})}/>\n")


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


class _Writer:
    """Writes one project.qde (through ``xml``) and its source files (into ``archive``)."""

    def __init__(self, xml: _Xml, archive: zipfile.ZipFile, project_id: int) -> None:
        self.xml = xml
        self.archive = archive
        self.project_id = project_id
        self.model_user = stable_guid(project_id, "user", "model")
        self.human_user = stable_guid(project_id, "user", "human")
        self.variables = {name: stable_guid(project_id, "variable", name) for name, _ in VARIABLES}
        self.codings = 0

    def users(self) -> None:
        self.xml.start("Users")
        self.xml.leaf("User", {"guid": self.model_user, "name": "Teemakartta (model)"})
        self.xml.leaf("User", {"guid": self.human_user, "name": "Teemakartta (human edit)"})
        self.xml.end()

    def codebook(self, themes: Sequence[ThemeInfo]) -> None:
        if not themes:
            return  # the schema wants at least one Code inside a CodeBook
        self.xml.start("CodeBook")
        self.xml.start("Codes")
        for theme in themes:
            attributes = {
                "guid": code_guid(self.project_id, theme.key),
                "name": theme.name,
                "isCodable": "true",
                "color": theme_colour(theme.key),
            }
            if theme.description:
                self.xml.start("Code", attributes)
                self.xml.leaf("Description", text=theme.description)
                self.xml.end()
            else:
                self.xml.leaf("Code", attributes)
        self.xml.end()
        self.xml.end()

    def variable_value(self, variable: str, kind: str, value: str) -> None:
        self.xml.start("VariableValue")
        self.xml.leaf("VariableRef", {"targetGUID": self.variables[variable]})
        self.xml.leaf("DateValue" if kind == "Date" else "TextValue", text=value)
        self.xml.end()

    def variables_and_cases(self, sources: Sequence[_SourceMeta]) -> None:
        if not sources:
            return
        self.xml.start("Variables")
        for name, kind in VARIABLES:
            self.xml.leaf(
                "Variable", {"guid": self.variables[name], "name": name, "typeOfVariable": kind}
            )
        self.xml.end()
        self.xml.start("Cases")
        for region in sorted({s.region for s in sources}):
            self.xml.start(
                "Case", {"guid": stable_guid(self.project_id, "case", region), "name": region}
            )
            # No region VariableValue here: the name already is the region, and a value on
            # the case makes QualCoder treat region as a case variable and hide the files'.
            for source in sources:
                if source.region == region:
                    self.xml.leaf("SourceRef", {"targetGUID": self.source_guid(source)})
            self.xml.end()
        self.xml.end()

    def source_guid(self, source: _SourceMeta) -> str:
        return stable_guid(self.project_id, "source", source.id)

    def source(self, session: Session, run_id: int | None, source: _SourceMeta) -> None:
        guid = self.source_guid(source)
        text = session.scalar(select(Document.text).where(Document.id == source.id)) or ""
        with self.archive.open(_zip_entry(f"sources/{guid}.txt"), "w") as out:
            out.write(text.encode("utf-8"))
        del text  # only one document's text is held at a time
        self.xml.start(
            "TextSource",
            {
                "guid": guid,
                "name": source.filename,
                "plainTextPath": f"internal://{guid}.txt",
                "creatingUser": self.model_user,
            },
        )
        if run_id is not None:
            for span in iter_coded_spans(session, self.project_id, run_id, source.id):
                self.selection(
                    span.note_id, span.start, span.end, span.text, span.theme_key, span.human
                )
        for name, kind in VARIABLES:
            value = source.value(name)
            if value:
                self.variable_value(name, kind, value)
        self.xml.end()

    def selection(
        self, note_id: int, start: int, end: int, text: str, theme_key: int, human: bool
    ) -> None:
        # One formatted string per note: this runs 50,000 times in a large export, and
        # only the name can hold characters that need escaping.
        user = self.human_user if human else self.model_user
        guid = stable_guid(self.project_id, "selection", note_id)
        coding = stable_guid(self.project_id, "coding", note_id, theme_key)
        name = _escape(text[:_SELECTION_NAME_CHARS])
        self.xml.out.write(
            f'<PlainTextSelection guid="{guid}" name="{name}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{user}"><Coding guid="{coding}" '
            f'creatingUser="{user}"><CodeRef targetGUID="{code_guid(self.project_id, theme_key)}"'
            "/></Coding></PlainTextSelection>\n"
        )
        self.codings += 1


def _sources(session: Session, project_id: int) -> list[_SourceMeta]:
    rows = session.execute(
        select(
            Document.id,
            Document.filename,
            Document.region,
            Document.kind,
            Document.event,
            Document.date,
        )
        .where(Document.project_id == project_id)
        .order_by(Document.id)
    ).all()
    return [_SourceMeta(i, f, r, k, e, d.isoformat() if d else None) for i, f, r, k, e, d in rows]


def write_qdpx(session: Session, project: Project, run: ThemeRun | None, path: Path) -> QdpxSummary:
    """Write the project (with the themes of ``run``, if any) as a .qdpx file at ``path``."""
    themes = run_themes(session, project.id, run.id) if run is not None else []
    sources = _sources(session, project.id)
    attributes = {
        "xmlns": NAMESPACE,
        "name": project.name,
        "origin": ORIGIN,
        "creatingUserGUID": stable_guid(project.id, "user", "model"),
        "creationDateTime": project.created_at.replace(microsecond=0).isoformat() + "Z",
    }
    with zipfile.ZipFile(path, "w") as archive, tempfile.TemporaryFile() as qde:
        text = io.TextIOWrapper(qde, encoding="utf-8", newline="\n", write_through=False)
        xml = _Xml(text)
        text.write('<?xml version="1.0" encoding="utf-8"?>\n')
        writer = _Writer(xml, archive, project.id)
        xml.start("Project", attributes)
        writer.users()
        writer.codebook(themes)
        writer.variables_and_cases(sources)
        if sources:
            xml.start("Sources")
            for source in sources:
                writer.source(session, run.id if run else None, source)
            xml.end()
        xml.end()
        text.flush()
        text.detach()
        qde.seek(0)
        with archive.open(_zip_entry("project.qde"), "w") as out:
            shutil.copyfileobj(qde, out)
    return QdpxSummary(len(sources), len(themes), writer.codings)
