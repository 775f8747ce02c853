"""The ``teemakartta`` command line: the same core as the API, run in-process.

Heavy libraries (torch, spaCy, BERTopic) are imported inside the commands that need
them, so ``teemakartta --help`` answers at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from service.commands import CommandApp, cli_user, fail, open_database
from service.config import Settings
from service.project_names import check_project_name

if TYPE_CHECKING:  # annotations only: the commands import these lazily, for a fast --help
    from service.ingest import DocumentMeta
    from service.nlp import NlpResources
    from service.storage.db import Database
    from service.theming.notes import RunFilters

app = CommandApp(
    help="Teemakartta: Finnish workshop notes to themes you can trust.",
    no_args_is_help=True,
    add_completion=False,
)

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".csv", ".xlsx", ".vtt", ".srt", ".pptx"}


def _collect(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED))
        elif path.is_file():
            files.append(path)
        else:
            raise fail(f"{path} does not exist.")
    if not files:
        raise fail(f"No files with a supported extension ({', '.join(sorted(SUPPORTED))}).")
    return files


def _get_or_create_project(db: Database, project: str) -> int:
    """The id of the project of that name, created (and said so) if missing."""
    from service.core.projects import find_or_create

    with db.session() as session:
        found, created = find_or_create(session, project, author=cli_user())
        if created:
            typer.echo(f"Created project {project}.")
        return found.id


def _ingest_files(
    db: Database,
    nlp: NlpResources,
    project_id: int,
    files: list[Path],
    meta: DocumentMeta,
    settings: Settings,
    text_column: str | None,
    columns: str | None,
) -> int:
    """The number of files skipped: each file ingested with a progress bar, a bad file
    reported and skipped."""
    from rich.progress import Progress, TaskID

    from service.ingest import UploadError, ingest_document, prepare_document

    failures = 0
    with Progress(transient=False) as bar:
        overall = bar.add_task("ingest", total=len(files))
        for path in files:
            task = bar.add_task(path.name, total=1.0)
            try:
                prepared = prepare_document(
                    path.name, path.read_bytes(), meta, settings, text_column, columns
                )

                def advance(fraction: float, _message: str, task: TaskID = task) -> None:
                    bar.update(task, completed=fraction)

                result = ingest_document(db, nlp, project_id, prepared, advance)
            except UploadError as error:
                failures += 1
                bar.console.print(f"[red]{path}: skipped — {error.message}[/red]")
            else:
                status = "already ingested" if result.duplicate else "new"
                bar.console.print(f"{path.name}: {result.note_count} notes ({status})")
            bar.update(task, completed=1.0, visible=False)
            bar.advance(overall)
    return failures


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    project: Annotated[str, typer.Option(help="Project name (created if missing).")],
    region: Annotated[str, typer.Option(help="Region of the documents, e.g. Pohjois-Savo.")],
    kind: Annotated[
        str, typer.Option(help="workshop | project_description | transcript | other")
    ] = "workshop",
    date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    event: Annotated[str | None, typer.Option(help="Event or session name.")] = None,
    text_column: Annotated[str | None, typer.Option(help="csv/xlsx text column.")] = None,
    columns: Annotated[
        str | None, typer.Option(help="csv/xlsx field columns, e.g. 'group=Pöytä,speaker=Nimi'.")
    ] = None,
    facilitator: Annotated[
        str | None, typer.Option(help="Transcripts: the facilitator's name(s), comma-separated.")
    ] = None,
) -> None:
    """Ingest documents: parse, split into notes, lemmatize, embed and store."""
    from service.ingest import UploadError, validate_meta
    from service.nlp import NlpResources

    settings = Settings()
    files = _collect(paths)
    try:
        meta = validate_meta(region, kind, date, event, facilitator)
        check_project_name(project)
    except (UploadError, ValueError) as error:
        raise fail(getattr(error, "message", str(error))) from None
    db = open_database(settings)
    project_id = _get_or_create_project(db, project)
    nlp = NlpResources(settings)
    failures = _ingest_files(db, nlp, project_id, files, meta, settings, text_column, columns)
    if failures:
        raise typer.Exit(code=1)


@app.command()
def notes(
    project: Annotated[str, typer.Option(help="Project name.")],
    region: Annotated[str | None, typer.Option(help="Only this region.")] = None,
    format: Annotated[str, typer.Option("--format", help="table | jsonl")] = "table",
) -> None:
    """List a project's notes with their provenance."""
    from service.core.notes import NoteFilter, find_notes
    from service.core.projects import find_project

    if format not in ("table", "jsonl"):
        raise fail("--format must be table or jsonl.")
    db = open_database(Settings())
    with db.session() as session:
        rows, _total = find_notes(
            session, find_project(session, project), NoteFilter(region=region), limit=None
        )
    if format == "jsonl":
        for note, document in rows:
            record = {
                "id": note.id,
                "document": document.filename,
                "region": document.region,
                "date": document.date.isoformat() if document.date else None,
                "event": document.event,
                "group": note.group,
                "question": note.question,
                "position": note.position,
                "kind": note.kind,
                "parent_id": note.parent_id,
                "start": note.start,
                "end": note.end,
                "language": note.language,
                "speaker": note.speaker,
                "speaker_role": note.speaker_role,
                "turn": note.turn,
                "start_time": note.start_time,
                "end_time": note.end_time,
                "text": note.text,
            }
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "document", "region", "group", "kind", "text", show_lines=False)
    for note, document in rows:
        table.add_row(
            str(note.id),
            document.filename,
            document.region,
            note.group or "",
            note.kind,
            note.text if len(note.text) < 120 else note.text[:117] + "...",
        )
    Console().print(table)
    typer.echo(f"{len(rows)} notes")


def theme_block(theme: dict[str, Any]) -> str:
    """One theme as plain lines (no markup is read from names or notes): its id, name,
    size and regions, its description, keywords and representative notes."""
    shares = ", ".join(f"{r} {s:.0%}" for r, s in theme["region_share"].items() if s > 0)
    lines = [f"[{theme['id']}] {theme['name']} ({theme['size']} notes; {shares})"]
    if theme.get("description"):
        lines.append(f"    {theme['description']}")
    lines.append(f"    keywords: {', '.join(theme['keywords'][:8])}")
    for note in theme["representatives"]:
        text = " ".join(note["text"].split())
        lines.append(f"    • {text if len(text) <= 120 else text[:119] + '…'}")
    return "\n".join(lines) + "\n"


def _run_filters(
    region: list[str] | None, kind: list[str] | None, date_from: str | None, date_to: str | None
) -> RunFilters:
    """The notes a run covers, from the command's options; bad dates are a CLI failure."""
    import datetime as dt

    from service.theming.notes import RunFilters

    try:
        return RunFilters(
            regions=tuple(region or ()),
            kinds=tuple(kind or ()),
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
        )
    except ValueError:
        raise fail("Dates are YYYY-MM-DD.") from None


def _run_summary_line(summary: dict[str, Any]) -> str:
    """One line on a fitted run: themes, notes, unassigned share, fit time, detail, changes."""
    changes = summary["changes"]
    return (
        f"{summary['themes']} themes over {summary['notes']} notes; "
        f"{summary['unassigned_share']:.1%} unassigned; fit {summary['fit_seconds']:.1f} s; "
        f"detail level {summary['detail']:+d}; "
        f"changes: {len(changes['new'])} new, {len(changes['persisted'])} kept, "
        f"{len(changes['vanished'])} vanished, {len(changes['split'])} split, "
        f"{len(changes['merged'])} merged."
    )


@app.command()
def themes(
    project: Annotated[str, typer.Option(help="Project name.")],
    region: Annotated[list[str] | None, typer.Option(help="Only these regions.")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only these document kinds.")] = None,
    date_from: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    codebook: Annotated[bool, typer.Option(help="Seed with the project's codebook.")] = True,
    detail: Annotated[
        int | None,
        typer.Option(min=-3, max=3, help="Detail level -3 (coarse) .. 3 (fine); default: keep."),
    ] = None,
    preview: Annotated[bool, typer.Option(help="Keep the run as a draft to review.")] = False,
    yes: Annotated[bool, typer.Option(help="Apply a run that changes edited themes.")] = False,
) -> None:
    """Run the theme model on a project and print its themes. Edits people made are
    kept; a run that would still change an edited theme asks first (or stays a draft)."""
    from rich.progress import Progress

    from service.commands.run import print_report, settle_draft
    from service.core.projects import find_project
    from service.nlp import NlpResources
    from service.theming.runs import RunOptions, fit_run
    from service.theming.views import theme_table

    settings = Settings()
    filters = _run_filters(region, kind, date_from, date_to)
    db = open_database(settings)
    with db.session() as session:
        project_id = find_project(session, project).id
    nlp = NlpResources(settings)
    with Progress(transient=True) as bar:
        task = bar.add_task("themes", total=1.0)
        summary = fit_run(
            db,
            nlp,
            project_id,
            filters,
            RunOptions(use_codebook=codebook, preview=preview, detail=detail),
            lambda fraction, message: bar.update(task, completed=fraction, description=message),
        )
    if not settle_draft(db, nlp, project_id, summary, yes and not preview):
        return
    with db.session() as session:
        table_data = theme_table(session, project_id)
    for theme in table_data["themes"]:
        typer.echo(theme_block(theme))
    typer.echo(_run_summary_line(summary))
    if summary["status"] == "applied":
        print_report(summary)


@app.command()
def samples(
    project: Annotated[str | None, typer.Option(help="Project to fill.")] = None,
) -> None:
    """Ingest the sample corpora (corpora/) into the sample project and find its themes,
    once: a second call adds nothing and keeps the themes."""
    from service.corpora import load_samples, theme_samples
    from service.nlp import NlpResources

    settings = Settings()
    db = open_database(settings)
    nlp = NlpResources(settings)
    results = load_samples(db, nlp, settings, project)
    new = [r for r in results if not r.duplicate]
    for result in new:
        typer.echo(f"{result.filename}: {result.note_count} notes")
    name = project or settings.sample_project
    typer.echo(f"Sample project {name!r}: {len(new)} new, {len(results) - len(new)} already there.")
    run = theme_samples(db, nlp, settings, project)
    if run is not None:
        typer.echo(f"Themes found: {run['themes']} themes over {run['notes']} notes.")


@app.command()
def evaluate(
    dataset: Annotated[Path, typer.Option(help="Labelled JSONL: id, text, label[, region].")],
    baselines: Annotated[bool, typer.Option(help="Also run BERTopic and k-means.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Also write the JSON result here.")
    ] = None,
    top_labels: Annotated[
        int | None, typer.Option(help="Only the notes of the K most frequent labels.", min=2)
    ] = None,
    backends: Annotated[
        str, typer.Option(help="Also fit on these embedding backends' vectors, e.g. onnx-int8.")
    ] = "",
) -> None:
    """Score the default theme pipeline (ARI, NMI, V-measure) against a data set's labels."""
    from evaluation.evaluate import main as evaluate_main

    if not dataset.is_file():
        raise fail(f"{dataset} does not exist.")
    argv = ["--dataset", str(dataset)] + ["--baselines"] * baselines + ["--json"] * as_json
    argv += ["--output", str(output)] if output else []
    argv += ["--top-labels", str(top_labels)] if top_labels else []
    argv += ["--backends", backends] if backends else []
    raise typer.Exit(code=evaluate_main(argv))


def _register_commands() -> None:
    # Importing these modules is cheap: each imports its heavy parts inside the command.
    from service.commands.agreement import agreement, human_codes
    from service.commands.compare import compare
    from service.commands.export import export
    from service.commands.overview import actors, needs, report
    from service.commands.run import run_app
    from service.commands.serve import serve, sign_in_link
    from service.commands.theme import codebook, theme_app
    from service.commands.worker import worker

    app.command()(compare)
    app.command()(export)
    app.command("human-codes")(human_codes)
    app.command()(codebook)
    app.add_typer(theme_app, name="theme")
    app.add_typer(run_app, name="run")
    app.command()(agreement)
    app.command()(needs)
    app.command()(actors)
    app.command()(report)
    app.command()(serve)
    app.command()(worker)
    app.command("sign-in-link")(sign_in_link)


_register_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
