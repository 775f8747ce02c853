"""Personal data through the API, on SQLite and PostgreSQL, with the real model: an upload
under the default policy stores no personal value anywhere (document text, notes, lemmas,
theme names, exports, any table), the policy "keep" is for project admins only and
audited, and doubtful findings wait for an admin's review."""

from __future__ import annotations

import io
import zipfile

import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from sqlalchemy import LargeBinary, select

from service.config import Settings
from service.storage.models import Base
from tests.conftest import CORPORA
from tests.factories import database

PERSONAL_LINES = [
    "Minuun saa yhteyttä numerosta +358 40 555 0199 tai sähköpostilla "
    "sanna.tiihonen@pshyvinvointi.fi.",
    "Pekka Kärkkäinen Varkaudesta kertoi kyläkoulun tilanteesta.",
    "Pekka Kärkkäinen Varkaudesta lupasi selvittää kyläkoulun kuljetukset.",
    "Pekka Kärkkäinen Varkaudesta toivoo kyläkoululle lisää iltavuoroja.",
    "Sanna Tiihonen ja Pekka Kärkkäinen kokoavat kyläkoulun ehdotukset.",
    "Lähetä ehdotukset Pekalle tai Kärkkäisen tiimille viikon loppuun mennessä.",
    "Hetu 131052-308T ja tili FI21 1234 5600 0007 85 jäivät lomakkeelle.",
    "Kokoonnumme osoitteessa Kauppakatu 12 A 3, 70100 Kuopio.",
    "Vaihde (09) 123 4567 palvelee kyläläisiä arkisin.",
]
# Pieces of every personal value above, lower-cased: none may be stored anywhere.
FORBIDDEN = [
    "555 0199", "sanna.tiihonen", "pshyvinvointi", "tiihonen", "tiihose", "pekka", "pekal",
    "kärkkäi", "131052", "fi21", "0007 85", "kauppakatu 12", "123 4567",
]  # fmt: skip


def _upload(client: TestClient, name: str, text: str) -> int:
    response = client.post(
        "/projects/p/documents?wait=true",
        data={"region": "Pohjois-Savo"},
        files=[("files", (name, text.encode()))],
    )
    assert response.status_code == 201, response.text
    job = client.get(f"/jobs/{response.json()['job_id']}").json()
    assert job["state"] == "succeeded", job
    return int(job["result"]["documents"][0]["document_id"])


def _document_with_personal_data() -> str:
    workshop = (CORPORA / "pohjois-savo_learning-cafe_2017.txt").read_text(encoding="utf-8")
    lines = "\n".join(f"- {line}" for line in PERSONAL_LINES)
    return f"{workshop}\n\nRyhmä 9\nKeneen otetaan yhteyttä?\n{lines}\n"


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in FORBIDDEN if value in lowered]


def _export_texts(client: TestClient) -> dict[str, str]:
    texts = {}
    for export_format in ("csv", "xlsx", "parquet", "qdpx", "qdc"):
        response = client.get("/projects/p/export", params={"format": export_format})
        assert response.status_code == 200, (export_format, response.text)
        if export_format == "parquet":
            table = pq.read_table(io.BytesIO(response.content))
            texts[export_format] = str(table.to_pylist())
        elif export_format in ("xlsx", "qdpx"):
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                texts[export_format] = "".join(
                    archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                )
        else:
            texts[export_format] = response.content.decode("utf-8-sig")
    return texts


def _every_stored_text(settings: Settings) -> dict[str, str]:
    """Every row of every table (vectors aside), as text, by table name. Numbers are left
    out: a stored score such as 0.7131052 is no hetu, though it holds its digits."""
    with database(settings.resolved_database_url) as db, db.session() as session:
        stored = {}
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if not isinstance(c.type, LargeBinary)]
            rows = session.execute(select(*columns)).all()
            stored[table.name] = str(
                [tuple(v for v in row if not isinstance(v, int | float)) for row in rows]
            )
        return stored


def test_an_upload_stores_no_personal_value_anywhere(
    client: TestClient, settings: Settings
) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    document_id = _upload(client, "tyopaja.txt", _document_with_personal_data())
    run = client.post("/projects/p/runs?wait=true", json={"use_codebook": False})
    assert run.status_code == 201, run.text

    document = client.get(f"/projects/p/documents/{document_id}").json()
    assert _leaks(document["text"]) == []
    for note in document["notes"]:
        assert document["text"][note["start"] : note["end"]] == note["text"]  # offsets hold
        assert _leaks(note["text"] + " ".join(note["lemmas"])) == []
        if "[NIMI]" in note["text"]:
            assert "nimi" not in note["lemmas"]  # a placeholder is no word
    redacted = [n["text"] for n in document["notes"] if "[" in n["text"]]
    assert "Minuun saa yhteyttä numerosta [PUHELIN] tai sähköpostilla [SÄHKÖPOSTI]." in redacted
    assert "[NIMI] Varkaudesta kertoi kyläkoulun tilanteesta." in redacted
    assert "Hetu [HETU] ja tili [IBAN] jäivät lomakkeelle." in redacted
    assert "Kokoonnumme osoitteessa [OSOITE]." in redacted

    themes = client.get("/projects/p/themes").json()
    assert themes["themes"] and _leaks(str(themes)) == []
    for export_format, text in _export_texts(client).items():
        assert "[NIMI]" in text or export_format == "qdc", export_format
        assert _leaks(text) == [], export_format
    for table, text in _every_stored_text(settings).items():
        assert _leaks(text) == [], table

    summary = client.get("/projects/p/privacy").json()
    assert summary["policy"] == "redact" and summary["redacted"] == summary["findings"] >= 13
    assert summary["by_entity"]["PERSON"] >= 7


def test_doubtful_findings_wait_for_an_admins_review(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    _upload(client, "tyopaja.txt", _document_with_personal_data())
    pending = client.get("/projects/p/privacy/findings").json()
    assert pending and all(f["review"] == "pending" and f["score"] < 0.8 for f in pending)
    phone = next(f for f in pending if f["entity"] == "PHONE_NUMBER")
    assert (phone["before"][-7:], phone["value"], phone["after"][:10]) == (
        "Vaihde ", "[PUHELIN]", " palvelee ",
    )  # fmt: skip

    confirmed = client.post(
        f"/projects/p/privacy/findings/{phone['id']}/review", json={"decision": "confirm"}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["review"] == "confirmed"
    assert confirmed.json()["reviewed_by"] == "admin"
    assert phone["id"] not in [f["id"] for f in client.get("/projects/p/privacy/findings").json()]
    log = client.get("/audit").json()
    assert log[0]["action"] == "confirm_personal_data" and log[0]["project"] == "p"
    assert log[0]["details"]["finding"] == phone["id"] and _leaks(str(log)) == []

    missing = client.post(
        "/projects/p/privacy/findings/999999/review", json={"decision": "dismiss"}
    )
    assert missing.status_code == 404
    assert (
        client.post(
            f"/projects/p/privacy/findings/{phone['id']}/review", json={"decision": "forget"}
        ).status_code
        == 422
    )


def test_keep_is_for_project_admins_only_and_audited(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    analyst_token = client.post("/users", json={"name": "analyytikko"}).json()["token"]
    client.put("/projects/p/members/analyytikko", json={"role": "analyst"})
    analyst = {"Authorization": f"Bearer {analyst_token}"}

    assert client.get("/projects/p/privacy", headers=analyst).json()["policy"] == "redact"
    refused = client.put("/projects/p/privacy", json={"policy": "keep"}, headers=analyst)
    assert refused.status_code == 403
    assert client.get("/projects/p/privacy/findings", headers=analyst).status_code == 403
    assert client.get("/projects/p/privacy/speakers", headers=analyst).status_code == 403
    assert client.put("/projects/p/privacy", json={"policy": "maybe"}).status_code == 422

    kept = client.put("/projects/p/privacy", json={"policy": "keep"})
    assert kept.status_code == 200 and kept.json()["policy"] == "keep"
    entry = client.get("/audit").json()[0]
    assert (entry["action"], entry["user"], entry["project"]) == (
        "set_privacy_policy", "admin", "p",
    )  # fmt: skip
    assert entry["details"] == {"before": "redact", "after": "keep"}

    document_id = _upload(client, "pidetaan.txt", f"Ryhmä 1\nKuka?\n- {PERSONAL_LINES[0]}\n")
    text = client.get(f"/projects/p/documents/{document_id}").json()["text"]
    assert "sanna.tiihonen@pshyvinvointi.fi" in text  # kept as uploaded
    listed = client.get("/projects/p/privacy/findings", params={"review": "all"}).json()
    assert {(f["value"], f["redacted"]) for f in listed} == {
        ("+358 40 555 0199", False), ("sanna.tiihonen@pshyvinvointi.fi", False),
    }  # fmt: skip
