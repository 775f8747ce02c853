"""Reading a REFI-QDA project (``.qdpx``) back: its text sources, codes and the codings of
text selections, and mapping those selections onto our notes.

Used to import human coding made in a QDA tool (NVivo, ATLAS.ti, MAXQDA, QualCoder) and to
check that our own export round-trips. Positions are Unicode code points, as in the export.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

NAMESPACE = "urn:QDA-XML:project:1.0"
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # a zip that unpacks to more is refused (zip bomb)
MIN_OVERLAP = 0.5  # share of the shorter of note and selection that must overlap


class QdpxError(ValueError):
    """A file that is not a readable REFI-QDA project; the message says what is wrong."""


@dataclass(frozen=True)
class QdpxSelection:
    start: int  # code points, inclusive
    end: int  # code points, exclusive
    code_guids: tuple[str, ...]


@dataclass(frozen=True)
class QdpxSource:
    guid: str
    name: str
    text: str
    selections: tuple[QdpxSelection, ...]


@dataclass(frozen=True)
class QdpxProject:
    name: str
    codes: dict[str, str]  # code guid -> code name (nested codes flattened)
    sources: tuple[QdpxSource, ...]
    skipped: tuple[str, ...] = field(default=())  # why sources were left out


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def normalise_line_endings(text: str) -> str:
    """``text`` with CRLF and lone CR as LF, as in our documents' normalised text.

    QualCoder's "add line endings for MAXQDA" writes CRLF sources whose offsets still count
    one character per line break, so offsets stay valid on the normalised text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _walk_codes(element: etree._Element) -> Iterator[tuple[str, str]]:
    for code in element.iterfind(_tag("Code")):
        yield code.get("guid", ""), code.get("name", "")
        yield from _walk_codes(code)


def _member(archive: zipfile.ZipFile, path: str) -> zipfile.ZipInfo | None:
    # Tools differ on "sources/" vs "Sources/"; the spec says lowercase, be lenient.
    wanted = f"sources/{path}".lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            return info
    return None


def _source_text(archive: zipfile.ZipFile, element: etree._Element) -> str | None:
    content = element.find(_tag("PlainTextContent"))
    if content is not None:
        return content.text or ""
    path = element.get("plainTextPath", "")
    if not path.startswith("internal://"):
        return None
    info = _member(archive, path[len("internal://") :])
    if info is None:
        return None
    # A byte-order mark is not part of the text the positions count.
    return archive.read(info).decode("utf-8-sig")


def read_qdpx(source: bytes | Path | IO[bytes]) -> QdpxProject:
    """Parse a .qdpx file. Raises QdpxError for anything that is not a REFI-QDA project."""
    handle: IO[bytes] | Path = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError):
        raise QdpxError("The file is not a zip archive; a .qdpx file is a zip.") from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise QdpxError("The .qdpx file unpacks to more than 500 MB; split the project.")
        qde = next((i for i in archive.infolist() if i.filename.lower() == "project.qde"), None)
        if qde is None:
            raise QdpxError("The zip has no project.qde; export the project as REFI-QDA.")
        # No entities, no network: the XML comes from outside.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(archive.read(qde), parser)
        except etree.XMLSyntaxError as error:
            raise QdpxError(f"project.qde is not well-formed XML: {error}") from None
        if root.tag != _tag("Project"):
            raise QdpxError(
                f"project.qde's root is {root.tag}, not a REFI-QDA Project "
                f"in namespace {NAMESPACE}."
            )
        codes: dict[str, str] = {}
        book = root.find(f"{_tag('CodeBook')}/{_tag('Codes')}")
        if book is not None:
            codes = dict(_walk_codes(book))
        sources: list[QdpxSource] = []
        skipped: list[str] = []
        for element in root.iterfind(f"{_tag('Sources')}/{_tag('TextSource')}"):
            name = element.get("name", element.get("guid", ""))
            text = _source_text(archive, element)
            if text is None:
                skipped.append(f"{name}: no plain text inside the file")
                continue
            selections = []
            for selection in element.iterfind(_tag("PlainTextSelection")):
                guids = tuple(
                    ref.get("targetGUID", "")
                    for ref in selection.iterfind(f"{_tag('Coding')}/{_tag('CodeRef')}")
                )
                try:
                    start = int(selection.get("startPosition", ""))
                    end = int(selection.get("endPosition", ""))
                except ValueError:
                    skipped.append(f"{name}: a selection without numeric positions")
                    continue
                selections.append(QdpxSelection(min(start, end), max(start, end), guids))
            sources.append(QdpxSource(element.get("guid", ""), name, text, tuple(selections)))
        return QdpxProject(root.get("name", ""), codes, tuple(sources), tuple(skipped))


@dataclass(frozen=True)
class NoteSpan:
    note_id: int
    start: int
    end: int


def codes_for_notes(
    notes: Sequence[NoteSpan], selections: Sequence[QdpxSelection], codes: dict[str, str]
) -> dict[int, str]:
    """The code of each note, from the coded selections of the same document text.

    A note takes the code whose selections overlap it most, if that overlap covers at
    least half of the shorter of the note and the selection: a selection of a phrase inside
    a note codes the note, a selection that merely grazes its edge does not. Notes with no
    such code are left out. Sweep over both lists sorted by start: O((n + m) log(n + m)
    + overlaps).
    """
    ordered = sorted(selections, key=lambda s: (s.start, s.end))
    active: list[QdpxSelection] = []
    j = 0
    result: dict[int, str] = {}
    for note in sorted(notes, key=lambda n: (n.start, n.end)):
        while j < len(ordered) and ordered[j].start < note.end:
            active.append(ordered[j])
            j += 1
        # Later notes start no earlier, so a selection ending here can never overlap them.
        active = [s for s in active if s.end > note.start]
        overlap: dict[str, int] = defaultdict(int)
        shorter: dict[str, int] = defaultdict(int)
        for selection in active:
            length = min(note.end, selection.end) - max(note.start, selection.start)
            if length <= 0:
                continue
            for guid in selection.code_guids:
                name = codes.get(guid)
                if name is None:
                    continue
                overlap[name] += length
                shorter[name] = max(
                    shorter[name], min(note.end - note.start, selection.end - selection.start)
                )
        if not overlap:
            continue
        best = max(sorted(overlap), key=lambda name: overlap[name])
        if overlap[best] >= MIN_OVERLAP * max(shorter[best], 1):
            result[note.note_id] = best
    return result
