"""``teemakartta theme ...`` (edit the current run's themes, show the tree) and
``teemakartta codebook`` (show, set or clear a project's codebook).

The same operations as the API, on the same database; edits are logged with the author
``cli:<login name>`` and survive the next run like any other edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from service.commands import CommandApp, cli_user, database, fail
from service.config import Settings

if TYPE_CHECKING:
    from service.storage.db import Database

theme_app = CommandApp(help="Edit the current run's themes or show its theme tree.")
ProjectOption = Annotated[str, typer.Option(help="Project name.")]


@contextmanager
def _project(project: str) -> Iterator[tuple[Database, int]]:
    """The database and the project's id; a clear error if the project is unknown."""
    from service.core.projects import find_project

    with database() as db:
        with db.session() as session:
            project_id = find_project(session, project).id
        yield db, project_id


@theme_app.command()
def rename(project: ProjectOption, theme: int, name: str) -> None:
    """Give THEME (an id from `teemakartta themes`) a new NAME."""
    from service.theming.edits import rename_theme

    with _project(project) as (db, project_id):
        rename_theme(db, project_id, theme, name, cli_user())
    typer.echo(f"Theme {theme} is now {name.strip()!r}.")


@theme_app.command()
def merge(
    project: ProjectOption,
    themes: Annotated[list[int], typer.Argument(help="Theme ids; the first one stays.")],
    name: Annotated[str | None, typer.Option(help="A new name for the merged theme.")] = None,
) -> None:
    """Merge THEMES into the first one given."""
    from service.nlp import NlpResources
    from service.theming.edits import merge_themes

    with _project(project) as (db, project_id):
        nlp = NlpResources(Settings())
        key = merge_themes(db, nlp, project_id, themes, name, cli_user())
    typer.echo(f"Merged {', '.join(map(str, themes))} into theme {key}.")


@theme_app.command()
def split(
    project: ProjectOption,
    theme: int,
    parts: Annotated[int, typer.Option(help="Number of parts (2-20).")] = 2,
) -> None:
    """Re-cluster THEME into PARTS themes; the first part keeps its id."""
    from service.nlp import NlpResources
    from service.theming.edits import split_theme

    with _project(project) as (db, project_id):
        nlp = NlpResources(Settings())
        keys = split_theme(db, nlp, project_id, theme, parts, cli_user())
    typer.echo(f"Theme {theme} split into {', '.join(map(str, keys))}.")


@theme_app.command()
def move(
    project: ProjectOption,
    notes: Annotated[list[int], typer.Argument(help="Note ids.")],
    to: Annotated[int | None, typer.Option(help="Target theme id; omit to unassign.")] = None,
) -> None:
    """Move NOTES to a theme (--to ID), or mark them unassigned."""
    from service.nlp import NlpResources
    from service.theming.edits import move_notes

    with _project(project) as (db, project_id):
        nlp = NlpResources(Settings())
        move_notes(db, nlp, project_id, notes, to, cli_user())
    where = f"theme {to}" if to is not None else "unassigned"
    typer.echo(f"Moved {len(notes)} note(s) to {where}.")


@theme_app.command()
def tree(
    project: ProjectOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tree as JSON.")] = False,
) -> None:
    """Print the current run's theme tree, coarse to fine, with current theme names."""
    from service.theming.views import named_tree

    with _project(project) as (db, project_id), db.session() as session:
        root = named_tree(session, project_id)
    if as_json:
        typer.echo(json.dumps(root, ensure_ascii=False, indent=2))
    else:
        for line in _tree_lines(root):
            typer.echo(line)


def _tree_lines(node: dict[str, Any], depth: int = 0) -> Iterator[str]:
    if not node:
        return
    leaf = "theme" in node
    label = f"[{node['theme']}] {node['theme_name']}" if leaf else f"{node['name']} …"
    yield f"{'  ' * depth}{label} ({node['size']})"
    for child in node.get("children", []):
        yield from _tree_lines(child, depth + 1)


def codebook(
    project: ProjectOption,
    file: Annotated[Path | None, typer.Option(help="Set from a .json or .csv codebook.")] = None,
    default: Annotated[bool, typer.Option(help="Set the shipped default codebook.")] = False,
    clear: Annotated[bool, typer.Option(help="Remove the project's codebook.")] = False,
) -> None:
    """Show a project's codebook, or set it (--file, --default) or remove it (--clear).
    Theme runs are seeded with it unless run with --no-codebook."""
    from service.pipeline.codebook import default_codebook, read_codebook
    from service.theming.codebook import codebook_of, set_codebook

    if sum([file is not None, default, clear]) > 1:
        raise fail("Give one of --file, --default or --clear.")
    themes: list[dict[str, Any]] | None = None
    if default:
        themes = default_codebook().records()
    elif file is not None:
        if not file.is_file():
            raise fail(f"{file} does not exist.")
        if file.stat().st_size > 1_000_000:
            raise fail(f"{file} is over 1 MB; a codebook is a short list of themes.")
        themes = read_codebook(file.read_bytes(), file.name).records()
    with _project(project) as (db, project_id), db.session() as session:
        if clear:
            set_codebook(session, project_id, None, cli_user())
            typer.echo(f"Project {project!r} has no codebook now.")
            return
        if themes is not None:
            set_codebook(session, project_id, themes, cli_user(), default=default)
        shown = themes if themes is not None else codebook_of(session, project_id)
    if not shown:
        typer.echo(f"Project {project!r} has no codebook (set one with --file or --default).")
        return
    for seed in shown:
        examples = "; ".join(seed.get("examples") or [])
        typer.echo(f"- {seed['name']}: {seed.get('description', '')}")
        if examples:
            typer.echo(f"    e.g. {examples}")
