"""The service's rules for an upload (file types and size), checked in the UI before anything
is sent, so a refused file is named in the UI's language rather than by an English tooltip.

Both rules come from the service itself: the extensions its parser reads and the size limit
of its settings (``TEEMA_MAX_UPLOAD_MB``, read from the same environment and ``.env``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from service.config import Settings
from service.pipeline.parse import ACCEPTED_EXTENSIONS
from ui.i18n import language, t
from ui.safe_text import md

# Streamlit writes "Drag and drop files here", "Limit 200MB per file" and the button's
# "Upload" in English whatever the UI's language (it has no translations): the caption under
# the uploader says the first two, and the button's word is hidden and replaced by a label
# in the UI's language. Scoped to this page's uploader through the class Streamlit derives
# from its key.
_DROPZONE = "[class*='st-key-upload_files'] [data-testid='stFileUploaderDropzone']"
_BUTTON_TEXT = f"{_DROPZONE} button [data-testid='stMarkdownContainer']"


def dropzone_style() -> str:
    """The page's style for its uploader, in the UI's language."""
    label = t("choose_files").replace("\\", "").replace('"', "")
    return (
        "<style>"
        f"{_DROPZONE} [data-testid='stFileUploaderDropzoneInstructions'] {{ display: none; }}"
        f"{_BUTTON_TEXT} p {{ display: none; }}"
        f'{_BUTTON_TEXT}::after {{ content: "{label}"; }}'
        "</style>"
    )


def file_types() -> list[str]:
    """Accepted extensions without the dot: ``["txt", "md", ...]``."""
    return [extension.lstrip(".") for extension in ACCEPTED_EXTENSIONS]


def max_upload_mb() -> float:
    """The largest file the service accepts, in MB (1 MB = 1024 * 1024 bytes, as it counts)."""
    return Settings().max_upload_mb


def caption() -> str:
    """What the uploader accepts, in the UI's language."""
    return t("upload_accepts", types=", ".join(file_types()), limit=_megabytes(max_upload_mb()))


def _megabytes(value: float) -> str:
    """'0,5' in Finnish, '0.5' in English; no trailing zeros."""
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "fi" else text


def refusals(files: Sequence[tuple[str, int]]) -> list[str]:
    """One line per file the service would refuse: ``files`` are (name, size in bytes)."""
    accepted = set(ACCEPTED_EXTENSIONS)
    limit_mb = max_upload_mb()
    lines = []
    for name, size in files:
        suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        if suffix not in accepted:
            kind = md(suffix) if suffix else t("upload_no_extension")
            types = ", ".join(file_types())
            lines.append(t("upload_bad_type", file=md(name), type=kind, types=types))
        elif size > limit_mb * 1024 * 1024:
            size_mb = _megabytes(float(f"{size / 1024 / 1024:.3g}"))
            limit = _megabytes(limit_mb)
            lines.append(t("upload_too_large", file=md(name), size=size_mb, limit=limit))
    return lines
