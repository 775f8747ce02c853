"""The run's themes as a REFI-QDA codebook (``.qdc``, namespace urn:QDA-XML:codebook:1.0),
and the pieces the QDPX project export shares with it: stable GUIDs, code colours, and
text made safe for XML.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from functools import lru_cache

from lxml import etree

from service.export.rows import ThemeInfo

CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Teemakartta"

# Every GUID we write is uuid5 under this root, named by project id, object kind and ids:
# exporting the same project twice gives the same GUIDs, so QDA tools see the same objects.
_GUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "urn:teemakartta:refi-qda")
_GUID_ROOT_BYTES = _GUID_ROOT.bytes
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}

# Colour-blind-friendly palette (Okabe-Ito plus Tol's muted), by theme key.
PALETTE = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)

# XML 1.0 forbids most control characters; lxml refuses to write them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def stable_guid(project_id: int, kind: str, *ids: object) -> str:
    """A GUID in 8-4-4-4-12 form that depends only on the project, the kind and the ids:
    ``uuid5(root, "<project>/<kind>/<id>/...")``, computed without building UUID objects
    because a large export makes two per note."""
    name = f"{project_id}/{kind}/" + "/".join(map(str, ids)) if ids else f"{project_id}/{kind}"
    h = hashlib.sha1(_GUID_ROOT_BYTES + name.encode("utf-8")).hexdigest()
    # Version 5 in the 13th hex digit, the RFC 4122 variant (10xx) in the 17th.
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


@lru_cache(maxsize=4096)
def code_guid(project_id: int, theme_key: int) -> str:
    # Theme keys are stable across runs, so a theme keeps its code GUID in every export.
    return stable_guid(project_id, "code", theme_key)


def theme_colour(theme_key: int) -> str:
    return PALETTE[theme_key % len(PALETTE)]


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def codebook_xml(project_id: int, themes: Sequence[ThemeInfo]) -> bytes:
    """The codebook document (UTF-8 bytes): one codable Code per theme with its colour and
    a description holding the keywords. Raises ValueError without themes, because the
    schema requires at least one Code."""
    if not themes:
        raise ValueError("A codebook needs at least one theme.")
    ns = CODEBOOK_NAMESPACE
    root = etree.Element(f"{{{ns}}}CodeBook", {"origin": ORIGIN}, nsmap={None: ns})
    codes = etree.SubElement(root, f"{{{ns}}}Codes")
    for theme in themes:
        code = etree.SubElement(
            codes,
            f"{{{ns}}}Code",
            {
                "guid": code_guid(project_id, theme.key),
                "name": xml_text(theme.name),
                "isCodable": "true",
                "color": theme_colour(theme.key),
            },
        )
        if theme.description:
            etree.SubElement(code, f"{{{ns}}}Description").text = xml_text(theme.description)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
