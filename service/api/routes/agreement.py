"""Human codes for notes, and the agreement between them and the model's themes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile, status

from service.api.deps import ExportProject, SessionDep, SettingsDep
from service.api.responses.agreement import Agreement, CodesImported
from service.coding import agreement_for, import_human_codes
from service.errors import NotFound
from service.storage.human_codes import MAX_CODER_CHARS, coders
from service.theming.current import current_run

router = APIRouter(prefix="/projects/{project}", tags=["agreement"])


@router.post(
    "/human-codes",
    status_code=status.HTTP_201_CREATED,
    response_model=CodesImported,
    responses={413: {"description": "File too large"}, 422: {"description": "Unusable file"}},
)
def upload_human_codes(
    project: ExportProject,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV (note_id or text, code) or a .qdpx")],
    coder: Annotated[str, Form(min_length=1, max_length=MAX_CODER_CHARS)],
) -> dict[str, Any]:
    """Import a coder's codes for notes: a CSV with columns ``note_id`` (or ``text``, the
    exact note text) and ``code``, or a REFI-QDA project made in a QDA tool, whose coded
    selections are matched to notes by document text and offset overlap."""
    content = file.file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"The file is larger than {settings.max_upload_mb:g} MB.",
        )
    return import_human_codes(session, project.id, file.filename or "", content, coder)


@router.get(
    "/agreement",
    response_model=Agreement,
    responses={404: {"description": "No theme run or no human codes"}},
)
def agreement(
    project: ExportProject, session: SessionDep, coder: str | None = None
) -> dict[str, Any]:
    """Per coder: Cohen's kappa (themes mapped one-to-one onto codes by the Hungarian
    algorithm), Krippendorff's alpha, ARI and NMI, overall and per region, with the codes
    the model splits and the themes that merge codes."""
    run = current_run(session, project.id)
    known = coders(session, project.id)
    if not known:
        raise NotFound(
            "No human codes in this project yet; POST a CSV or .qdpx to "
            f"/projects/{project.name}/human-codes."
        )
    if coder is not None and coder not in known:
        raise NotFound(f"No codes from coder {coder!r}; coders: {', '.join(known)}.")
    chosen = [coder] if coder is not None else known
    return {
        "project": project.name,
        "run_id": run.id,
        "reports": [agreement_for(session, project.id, run.id, name) for name in chosen],
    }
