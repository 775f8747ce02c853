"""People's edits survive new data (issue 13, part 3), through the API with the real model
on SQLite and PostgreSQL: the coordinator's exact sequence, and a run that would still
change an edited theme waiting as a draft until someone applies or discards it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.themes_helpers import (
    KAINUU_WORKSHOP,
    assert_sizes_add_up,
    notes_of,
    run,
    themes,
    upload,
    upload_samples,
)

MERGED, RENAMED = "Seutukaupungit ja työvoima", "Hyvinvointi ja terveys"


def test_rename_merge_then_upload_with_a_run_keeps_the_edits(client: TestClient) -> None:
    upload_samples(client, "p")
    first = run(client, "p")
    keys = sorted(themes(client, "p"))
    assert len(keys) >= 7, keys
    second, fifth, seventh = keys[1], keys[4], keys[6]
    renamed = client.patch(f"/projects/p/themes/{second}", json={"name": RENAMED})
    assert renamed.status_code == 200
    merged = client.post(
        "/projects/p/themes/merge", json={"themes": [fifth, seventh], "name": MERGED}
    )
    assert merged.json() == {"theme": fifth}
    merged_notes = notes_of(client, "p", fifth)
    before = themes(client, "p")
    assert before[fifth]["size"] == len(merged_notes) and seventh not in before

    # "run themes after upload" (the UI's default): upload, then a run of the whole project
    [answer] = upload(client, "p", "kainuu.txt", KAINUU_WORKSHOP.encode(), "Kainuu")
    assert answer["note_count"] == 7
    result = run(client, "p")
    edited = {c["theme"]: c for c in result["changes"]["edited"]}
    assert set(edited) == {second, fifth}
    assert result["status"] == ("draft" if result["changes"]["needs_confirmation"] else "applied")
    if result["status"] == "draft":  # nothing changes until a person says so
        assert themes(client, "p")[second]["name"] == RENAMED
        assert client.get("/projects/p/themes").json()["run"]["id"] == first["run_id"]
        applied = client.post(f"/projects/p/runs/{result['run_id']}/apply")
        assert applied.status_code == 200 and applied.json()["status"] == "applied"

    after = themes(client, "p")
    assert client.get("/projects/p/themes").json()["run"]["id"] == result["run_id"]
    # the merge: one theme, every merged note still in it, under the name given
    assert [t["id"] for t in after.values() if t["name"] == MERGED] == [fifth]
    assert merged_notes <= notes_of(client, "p", fifth)
    assert seventh not in after and edited[fifth]["left"] == []
    # the rename, and sizes that add up with the seven new notes in
    assert after[second]["name"] == RENAMED
    assert after[second]["size"] == edited[second]["after"]
    assert after[fifth]["size"] == edited[fifth]["after"] >= len(merged_notes)
    assert_sizes_add_up(client, "p")
    kainuu = [n for n in client.get("/projects/p/map").json()["notes"] if n["region"] == "Kainuu"]
    assert len(kainuu) == 7 and all(n["source"] == "model" for n in kainuu)
    # the report in words, in both languages
    report = client.get(f"/projects/p/runs/{result['run_id']}").json()
    assert any(line.startswith(f"Teema '{MERGED}'") for line in report["sentences"]["fi"])
    assert any(line.startswith(f"Theme '{RENAMED}'") for line in report["sentences"]["en"])


def test_a_run_that_would_change_an_edited_theme_waits_as_a_draft(client: TestClient) -> None:
    upload_samples(client, "p")
    first = run(client, "p")
    table = themes(client, "p")
    key = next(k for k, t in table.items() if t["region_share"].get("Pohjois-Savo", 0) > 0)
    assert client.patch(f"/projects/p/themes/{key}", json={"name": "Oma nimi"}).is_success
    regions = sorted({r for t in table.values() for r in t["region_share"]} - {"Pohjois-Savo"})
    leaving = [
        n
        for n in client.get(f"/projects/p/themes/{key}").json()["notes"]
        if n["region"] == "Pohjois-Savo"
    ]

    draft = run(client, "p", regions=regions)  # Pohjois-Savo's notes would leave the run
    assert draft["status"] == "draft" and draft["changes"]["needs_confirmation"]
    change = next(c for c in draft["changes"]["edited"] if c["theme"] == key)
    assert {"to": "out", "notes": len(leaving)} in change["left"]
    shown = client.get("/projects/p/themes").json()
    assert shown["run"]["id"] == first["run_id"] and themes(client, "p")[key]["name"] == "Oma nimi"
    listed = client.get("/projects/p/runs").json()
    assert [(r["id"], r["status"]) for r in listed][:2] == [
        (draft["run_id"], "draft"),
        (first["run_id"], "applied"),
    ]
    report = client.get(f"/projects/p/runs/{draft['run_id']}").json()
    notes = f"{len(leaving)} muistiinpano" + ("a" if len(leaving) > 1 else "")
    assert (
        f"Teema 'Oma nimi': {notes} ei olisi mukana tässä ajossa (rajaukset)."
        in (report["sentences"]["fi"])
    )

    # a note uploaded while the draft waits is in the run once it is applied
    upload(
        client,
        "p",
        "lisays.txt",
        b"Otsikko\n\n- Verkostot vahvistavat yhteisty\xc3\xb6t\xc3\xa4\n",
        "Etelä-Savo",
    )
    assert client.delete(f"/projects/p/runs/{first['run_id']}").status_code == 409  # not a draft
    applied = client.post(f"/projects/p/runs/{draft['run_id']}/apply")
    assert applied.status_code == 200, applied.text
    assert client.get("/projects/p/themes").json()["run"]["id"] == draft["run_id"]
    assert client.post(f"/projects/p/runs/{draft['run_id']}/apply").status_code == 409
    in_run = client.get("/projects/p/map").json()["notes"]
    assert "lisays.txt" in {n["document"] for n in in_run}


def test_a_draft_can_be_discarded_and_goes_stale_when_themes_change(client: TestClient) -> None:
    upload_samples(client, "p")
    first = run(client, "p")
    key = min(themes(client, "p"))
    preview = run(client, "p", preview=True)
    assert preview["status"] == "draft" and not preview["changes"]["needs_confirmation"]
    assert client.delete(f"/projects/p/runs/{preview['run_id']}").status_code == 204
    assert [r["id"] for r in client.get("/projects/p/runs").json()] == [first["run_id"]]
    assert client.get(f"/projects/p/runs/{preview['run_id']}").status_code == 404

    stale = run(client, "p", preview=True)
    assert client.patch(f"/projects/p/themes/{key}", json={"name": "Myöhempi nimi"}).is_success
    refused = client.post(f"/projects/p/runs/{stale['run_id']}/apply")
    assert refused.status_code == 409 and "edited after" in refused.json()["detail"]
    newer = run(client, "p", preview=True)  # a newer draft replaces the stale one
    assert client.get(f"/projects/p/runs/{stale['run_id']}").status_code == 404
    assert client.post(f"/projects/p/runs/{newer['run_id']}/apply").status_code == 200
    assert themes(client, "p")[key]["name"] == "Myöhempi nimi"
    # another project's run is no run of this one
    assert client.post("/projects", json={"name": "muu"}).status_code == 201
    assert client.post(f"/projects/muu/runs/{newer['run_id']}/apply").status_code == 404


def test_a_merged_away_key_is_never_given_to_another_theme(client: TestClient) -> None:
    # A theme's key is its lasting name in links, exports and change reports: after the
    # theme with the largest key is merged away, a new theme (here a split's second part)
    # must not take that key over.
    upload_samples(client, "avaimet")
    run(client, "avaimet")
    keys = sorted(themes(client, "avaimet"))
    largest = keys[-1]
    merged = client.post("/projects/avaimet/themes/merge", json={"themes": [keys[0], largest]})
    assert merged.status_code == 200
    split = client.post(f"/projects/avaimet/themes/{keys[1]}/split", json={"parts": 2})
    assert split.status_code == 200, split.text
    first, *new = split.json()["themes"]
    assert first == keys[1] and new and min(new) > largest
    # Both edits audited once each, in the transaction that saved them.
    log = [e for e in client.get("/audit").json() if e["project"] == "avaimet"]
    assert [e["action"] for e in log][:2] == ["split_theme", "merge_themes"]
    assert log[1]["details"] == {"themes": [keys[0], largest], "into": keys[0]}
