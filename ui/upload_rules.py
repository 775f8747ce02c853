"""The service's rules for an upload (file types and size), checked in the UI before anything
is sent, so a refused file is named in the UI's language rather than by an English tooltip.

Both rules come from the service itself (``GET /upload-rules``: the extensions its parser
reads and the size limit of its own settings), so a UI in front of a service on another
machine or with another ``TEEMA_MAX_UPLOAD_MB`` says what that service accepts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

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


@dataclass(frozen=True)
class UploadRules:
    """What the service accepts: file name endings (``".txt"``) and the size limit in MB."""

    extensions: tuple[str, ...]
    max_upload_mb: float

    @classmethod
    def from_api(cls, answer: dict[str, Any]) -> UploadRules:
        """From ``GET /upload-rules``."""
        return cls(tuple(answer["extensions"]), float(answer["max_upload_mb"]))

    def file_types(self) -> list[str]:
        """Accepted extensions without the dot: ``["txt", "md", ...]``."""
        return [extension.lstrip(".") for extension in self.extensions]


def caption(rules: UploadRules) -> str:
    """What the uploader accepts, in the UI's language."""
    types = ", ".join(rules.file_types())
    return t("upload_accepts", types=types, limit=_megabytes(rules.max_upload_mb))


def _megabytes(value: float) -> str:
    """'0,5' in Finnish, '0.5' in English; no trailing zeros."""
    text = f"{value:g}"
    return text.replace(".", ",") if language() == "fi" else text


def refusals(files: Sequence[tuple[str, int]], rules: UploadRules) -> list[str]:
    """One line per file the service would refuse: ``files`` are (name, size in bytes)."""
    accepted = set(rules.extensions)
    limit_mb = rules.max_upload_mb
    lines = []
    for name, size in files:
        suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        if suffix not in accepted:
            kind = md(suffix) if suffix else t("upload_no_extension")
            types = ", ".join(rules.file_types())
            lines.append(t("upload_bad_type", file=md(name), type=kind, types=types))
        elif size > limit_mb * 1024 * 1024:
            size_mb = _megabytes(float(f"{size / 1024 / 1024:.3g}"))
            limit = _megabytes(limit_mb)
            lines.append(t("upload_too_large", file=md(name), size=size_mb, limit=limit))
    return lines


def problem(
    files: Sequence[Any], meta: dict[str, str | None], rules: UploadRules | None
) -> str | None:
    """Why the form cannot be sent as it is, in the UI's language; None when it can."""
    if not files:
        return t("upload_no_files")
    refused = refusals([(f.name, f.size) for f in files], rules) if rules else []
    if refused:
        return "\n".join([t("upload_refused"), *(f"- {line}" for line in refused)])
    if not meta["region"]:
        return t("upload_no_region")
    return None
