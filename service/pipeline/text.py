"""Decode and normalise the text of uploads: byte-order marks, UTF-8, Finnish Windows
files (cp1252), files mixed line by line, mojibake, control characters and line ends."""

from __future__ import annotations

import re
import unicodedata

from service.pipeline.errors import ParseError

__all__ = ["MAX_CONTROL_SHARE", "decode_text", "normalize_text", "too_long"]

MAX_CONTROL_SHARE = 0.02  # real text has almost no control characters; binaries have ~10 %

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_CP1252_HIGH = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(128, 160)}
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_WESTERN = frozenset("äöåÄÖÅéÉüÜšžŠŽèàáíóúñçæøÆØêôîûëïß€“”‘’„–—…•«»§°±½×·´²³©®™\u00a0\u00ad")
_NEWLINE_RE = re.compile("\r\n|[\r\u2028\u2029]")
_SPACES_RE = re.compile(r"[\u00a0\u2007\u202f]")  # non-breaking spaces of Word and the web
# UTF-8 read as cp1252 ("Ã¤" for "ä"): Excel round trips leave such files behind.
_MOJIBAKE_RE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u203a\u20ac\u2122]"
)


def decode_text(content: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file; returns (text, encoding name).

    Order: a byte-order mark; strict UTF-8; UTF-8 and cp1252 mixed line by line;
    cp1252 (Finnish Windows files) when the result looks like text; charset-normalizer
    as the last resort.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            try:
                return _checked_text(content.decode(codec)), codec
            except UnicodeDecodeError:
                raise ParseError(
                    f"The file says it is {codec.upper()} but is not: save it as UTF-8 and "
                    "upload again.",
                    finnish=f"Tiedosto on merkitty {codec.upper()}-muotoiseksi, mutta se ei "
                    "ole: tallenna se UTF-8-muodossa ja lataa uudelleen.",
                ) from None
    if b"\x00" in content:
        raise _binary()
    try:
        return _checked_text(_repair_mojibake(content.decode("utf-8"))), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed_lines(content)
    if mixed is not None and _looks_like_text(mixed) and _looks_western(mixed):
        return mixed, "utf-8+cp1252"
    text = _decode_cp1252(content)
    if _looks_like_text(text) and _looks_western(text):
        return text, "cp1252"
    from charset_normalizer import from_bytes  # imported late: only odd files need it

    best = from_bytes(content).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise ParseError(
        "The text encoding could not be recognised: save the file as UTF-8 and upload again.",
        finnish="Tekstin merkistöä ei tunnistettu: tallenna tiedosto UTF-8-muodossa ja lataa "
        "uudelleen.",
    )


def _decode_mixed_lines(content: bytes) -> str | None:
    """Files pasted together from UTF-8 and Windows sources: decode line by line.

    Returns None unless some line is real multi-byte UTF-8 (otherwise the file is
    plain cp1252 and the caller's cp1252 path reads it the same way).
    """
    lines: list[str] = []
    saw_utf8 = False
    for raw in content.split(b"\n"):
        try:
            line = raw.decode("utf-8")
            saw_utf8 = saw_utf8 or not raw.isascii()
        except UnicodeDecodeError:
            line = _decode_cp1252(raw)
        lines.append(line)
    return "\n".join(lines) if saw_utf8 else None


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no BOM or control characters (``\\n``/``\\t`` kept),
    non-breaking spaces as spaces, no trailing spaces. Indentation and bullets stay."""
    text = _NEWLINE_RE.sub("\n", text)
    text = _SPACES_RE.sub(" ", _CONTROL_RE.sub("", text))
    # Per-line rstrip, not a regex: `[ \t]+$` backtracks quadratically on long space runs.
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return unicodedata.normalize("NFC", text)


def too_long(max_chars: int) -> ParseError:
    return ParseError(
        f"The text is longer than the limit of {max_chars:,} characters: split the file.",
        finnish=f"Teksti ylittää {max_chars} merkin rajan: jaa tiedosto osiin.",
    )


def _binary() -> ParseError:
    return ParseError(
        "This is not a text file (it contains binary data): upload txt, md or csv text.",
        finnish="Tämä ei ole tekstitiedosto (siinä on binääridataa): lataa txt-, md- tai "
        "csv-tekstiä.",
    )


def _checked_text(text: str) -> str:
    if not _looks_like_text(text):
        raise _binary()
    return text


def _looks_like_text(text: str) -> bool:
    """Few control characters: decoded binaries have ~10 %, real text almost none."""
    controls = sum(1 for _ in _CONTROL_RE.finditer(text)) - text.count("\ufeff")
    return controls <= max(1.0, MAX_CONTROL_SHARE * len(text))  # one stray byte is no binary


def _decode_cp1252(content: bytes) -> str:
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:  # Windows maps the five bytes cp1252 leaves undefined to C1
        return content.decode("latin-1").translate(_CP1252_HIGH)


def _looks_western(text: str) -> bool:
    """Whether the non-ASCII characters are ones Finnish, Swedish or English text uses.

    Any byte decodes as cp1252, so a Cyrillic or Central European file would come out
    as Latin soup ("Ïðèâåò"); such files go to the detector instead.
    """
    foreign = _NON_ASCII_RE.findall(text)
    return sum(1 for c in foreign if c in _WESTERN) >= 0.8 * len(foreign)


def _repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-read-as-cp1252 ("Ã¤" -> "ä") when that is what happened."""
    if not _MOJIBAKE_RE.search(text):
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text
    fixed = len(_MOJIBAKE_RE.findall(repaired)) < len(_MOJIBAKE_RE.findall(text))
    return repaired if fixed else text
