"""Theme names, descriptions, why-here and fit scores through the API with the real model,
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.config import Settings
from service.storage.db import Database
from service.storage.models import Note
from tests.api.test_themes import _run, project  # noqa: F401  (the fixture)


def _lemmas(client: TestClient) -> dict[int, set[str]]:
    notes = client.get("/projects/p/notes?limit=1000").json()["notes"]
    return {n["id"]: set(n["lemmas"]) for n in notes}


def test_themes_have_phrase_names_descriptions_and_why_here(
    project: TestClient,  # noqa: F811
) -> None:
    client = project
    _run(client, use_codebook=False)
    themes = client.get("/projects/p/themes").json()["themes"]
    names = [t["name"] for t in themes]
    assert len(set(names)) == len(names)
    assert not any("·" in name for name in names)  # no keyword triplets any more
    lemmas = _lemmas(client)
    ones = 0
    for theme in themes:
        detail = client.get(f"/projects/p/themes/{theme['id']}").json()
        assert detail["description"] == theme["description"] != ""
        # The description is the start of one of the theme's own notes.
        assert any(n["text"].strip().startswith(theme["description"]) for n in detail["notes"])
        keywords = [w for w, _ in detail["keywords"]]
        for note in detail["notes"]:
            why = note["why"]
            assert set(why["keywords"]) <= set(keywords) & lemmas[note["id"]]
            assert why["next_theme"] != theme["id"]
            if why["score"] is not None and why["next_score"] is not None:
                assert why["margin"] == pytest.approx(why["score"] - why["next_score"], abs=1e-4)
            ones += round(note["score"], 2) >= 1.0
    # A fit is where the note falls among its theme's notes: one 1.00 per theme at most.
    assert ones <= len(themes)

    note = themes[0]["representatives"][0]["id"]
    scores = client.get(f"/projects/p/notes/{note}/scores").json()
    assert scores["why"]["score"] == pytest.approx(scores["score"], abs=1e-6)
    assert scores["why"]["next_theme_name"] in {t["name"] for t in themes}


def test_notes_stored_before_phrases_get_them_at_the_next_run(
    project: TestClient,  # noqa: F811
    settings: Settings,
) -> None:
    client = project
    _run(client, use_codebook=False)
    before = {t["id"]: t["name"] for t in client.get("/projects/p/themes").json()["themes"]}
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        session.execute(update(Note).values(phrases=None))  # as migration 0013 leaves them
    _run(client, use_codebook=False)
    with db.session() as session:
        assert all(phrases is not None for phrases in session.scalars(select(Note.phrases)))
    db.dispose()
    after = {t["id"]: t["name"] for t in client.get("/projects/p/themes").json()["themes"]}
    assert after == before  # the same phrases, so the same names


def test_a_merged_theme_is_named_again_from_its_notes(project: TestClient) -> None:  # noqa: F811
    client = project
    _run(client, use_codebook=False)
    themes = client.get("/projects/p/themes").json()["themes"]
    a, b = themes[0]["id"], themes[1]["id"]
    assert client.post("/projects/p/themes/merge", json={"themes": [a, b]}).is_success
    after = client.get("/projects/p/themes").json()["themes"]
    merged = next(t for t in after if t["id"] == a)
    assert merged["description"] and "·" not in merged["name"]
    assert len({t["name"] for t in after}) == len(after)


def test_machine_names_never_repeat_a_name_people_gave() -> None:
    from service.storage.models import Theme
    from service.theming.store import settle_names

    themes = [
        Theme(key=1, name="Liikenne", name_edited=False, seed=None),
        Theme(key=2, name="Liikenne", name_edited=True, seed=None),  # a person named it so
        Theme(key=3, name="liikenne", name_edited=False, seed=None),
        Theme(key=4, name="Terveys", name_edited=False, seed="Terveys"),
        Theme(key=5, name="Nuoret", name_edited=False, seed=None),
    ]
    settle_names(themes)
    assert [t.name for t in themes] == ["Liikenne 2", "Liikenne", "liikenne 3", "Terveys", "Nuoret"]
