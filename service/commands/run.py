"""``teemakartta run ...``: list a project's theme runs, show one's change report in
words, apply or discard a draft; and what ``teemakartta themes`` does with a draft.

A run that would change themes people edited waits as a draft (see
``service.theming.drafts``); in a terminal ``themes`` asks before applying it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from service.commands import CommandApp, cli_user, fail
from service.commands.theme import ProjectOption, _project
from service.config import Settings

if TYPE_CHECKING:
    from service.nlp import NlpResources
    from service.storage.db import Database

run_app = CommandApp(help="List theme runs, show a run's changes, apply or discard a draft.")
Language = Annotated[str, typer.Option(help="Language of the change report: en or fi.")]


def _language(language: str) -> str:
    if language not in ("en", "fi"):
        raise fail("--language is en or fi.")
    return language


def print_report(summary: dict[str, Any], language: str = "en") -> None:
    """The run's change report as sentences (a run summary or a fit's result)."""
    for line in summary.get("sentences", {}).get(language, []):
        typer.echo(f"  {line}")


def settle_draft(
    db: Database, nlp: NlpResources, project_id: int, summary: dict[str, Any], yes: bool
) -> bool:
    """After a fit: a draft is applied with ``yes`` or when the user agrees in a terminal;
    otherwise it stays a draft and the command to apply it is shown. True if applied."""
    from service.theming.drafts import apply_draft

    if summary["status"] != "draft":
        return True
    typer.echo(f"Run {summary['run_id']} would change themes people edited:")
    print_report(summary)
    if yes or (sys.stdin.isatty() and typer.confirm("Apply it?", default=False)):
        apply_draft(db, nlp, project_id, summary["run_id"], cli_user())
        typer.echo(f"Run {summary['run_id']} applied.")
        return True
    typer.echo(
        f"Run {summary['run_id']} is kept as a draft; the current themes stay. Apply it with "
        f"`teemakartta run apply --project NAME {summary['run_id']}` or discard it with "
        f"`teemakartta run discard --project NAME {summary['run_id']}`."
    )
    return False


@run_app.command("list")
def list_runs(project: ProjectOption) -> None:
    """The project's runs, newest first: id, status, notes, themes' detail level."""
    from service.theming.views import run_summaries

    with _project(project) as (db, project_id), db.session() as session:
        runs = run_summaries(session, project_id)
    for run in runs:
        typer.echo(
            f"{run['id']:>5}  {run['status']:<8} {run['created_at'][:16]}  "
            f"{run['note_count']} notes, detail {run['detail']:+d}"
        )
    if not runs:
        typer.echo(f"Project {project!r} has no theme runs yet.")


@run_app.command()
def show(project: ProjectOption, run: int, language: Language = "en") -> None:
    """What RUN changed (or would change, for a draft), in words."""
    from service.theming.drafts import project_run
    from service.theming.views import run_summary

    with _project(project) as (db, project_id), db.session() as session:
        summary = run_summary(project_run(session, project_id, run))
    typer.echo(f"Run {run} ({summary['status']}, {summary['note_count']} notes):")
    print_report(summary, _language(language))


@run_app.command()
def apply(project: ProjectOption, run: int) -> None:
    """Make the draft RUN the project's current run."""
    from service.nlp import NlpResources
    from service.theming.drafts import apply_draft

    with _project(project) as (db, project_id):
        apply_draft(db, NlpResources(Settings()), project_id, run, cli_user())
    typer.echo(f"Run {run} applied.")


@run_app.command()
def discard(project: ProjectOption, run: int) -> None:
    """Discard the draft RUN; the current themes stay."""
    from service.theming.drafts import discard_draft

    with _project(project) as (db, project_id):
        discard_draft(db, project_id, run, cli_user())
    typer.echo(f"Run {run} discarded; the current themes stay.")
