"""What every reader of uploaded files shares: ``ParseError``, the guard that turns a
third-party reader's failure into one, and the zip-bomb check for Office files."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MAX_UNZIPPED_BYTES", "ParseError", "check_zip", "finnish_name", "reading"]

# Zip containers (docx, xlsx, pptx) are checked from their central directory before any
# library inflates them: Python's zipfile never inflates past a member's declared
# size, so bounding the declared sizes bounds the memory a zip bomb can take.
MAX_ZIP_MEMBERS = 10_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 300  # deflate tops out near 1030:1; real Office XML stays far below 300:1
ZIP_RATIO_MIN_BYTES = 5 * 1024 * 1024  # tiny members may legitimately compress very well


class ParseError(ValueError):
    """A problem with an uploaded file that the user can fix; ``message`` says how, and
    ``finnish`` says it in Finnish."""

    def __init__(self, message: str, *, finnish: str) -> None:
        super().__init__(message)
        self.message = message
        self.finnish = finnish


# What a reader names in its messages, in Finnish (nominative).
_FINNISH_NAMES = {
    "Word file": "Word-tiedosto",
    "PowerPoint file": "PowerPoint-tiedosto",
    "Excel file": "Excel-tiedosto",
    "PDF": "PDF-tiedosto",
    "WebVTT file": "WebVTT-tiedosto",
    "SRT file": "SRT-tiedosto",
}


def finnish_name(what: str) -> str:
    """ "PowerPoint file" -> "PowerPoint-tiedosto" (the name itself if it has no Finnish)."""
    return _FINNISH_NAMES.get(what, what)


@contextmanager
def reading(what: str) -> Iterator[None]:
    """Run a third-party reader on user bytes; any failure becomes a ParseError.

    The readers raise dozens of exception types on damaged files (KeyError, struct
    errors, lxml errors, RecursionError ...), so catching broadly is the point here.
    Their warnings about odd-but-readable files are not the user's business either.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except ParseError:
        raise
    except Exception as error:
        raise ParseError(
            f"The {what} could not be read; it looks damaged. Open and save it again, then upload.",
            finnish=f"{finnish_name(what)} ei avautunut; se näyttää vioittuneelta. Avaa ja "
            "tallenna se uudelleen ja lataa sitten.",
        ) from error


def check_zip(content: bytes, what: str) -> None:
    """Refuse an Office file that is not a zip, or would inflate to too much (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, or struct/OSError/ValueError on mangled directories
        raise ParseError(
            f"This is not a valid {what} (it is not a zip archive): save it again and upload.",
            finnish=f"Tämä ei ole kelvollinen {finnish_name(what)} (se ei ole zip-arkisto): "
            "tallenna se uudelleen ja lataa.",
        ) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ParseError(
            f"The {what} has {len(members):,} parts, too many to be real; not read.",
            finnish=f"{finnish_name(what)}: {len(members)} osaa, liian monta ollakseen aito; "
            "ei luettu.",
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise ParseError(
            f"The {what} would expand to more than {MAX_UNZIPPED_BYTES // 2**20} MB; split it or "
            "remove large images.",
            finnish=f"{finnish_name(what)} purkautuisi yli {MAX_UNZIPPED_BYTES // 2**20} "
            "megatavuksi: jaa se osiin tai poista suuret kuvat.",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            raise ParseError(
                f"The {what} is compressed {ratio:,.0f}:1, like a zip bomb; not read.",
                finnish=f"{finnish_name(what)} on pakattu suhteessa {ratio:.0f}:1 kuin "
                "zip-pommi; ei luettu.",
            )
