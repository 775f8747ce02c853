"""Users and their credentials through the real app, on SQLite and PostgreSQL: names that
can be told apart, every user changeable and removable, token rotation and expiry,
one-time sign-in links and sessions, a limit on failed sign-ins, security headers, and a
data folder only its owner can read."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service import auth
from service.api.app import create_app
from service.api.throttle import FailedSignIns
from service.config import Settings
from service.nlp import NlpResources
from service.storage.access import User
from service.storage.db import Database

PAST, FUTURE = "2001-01-01T00:00:00Z", "2999-01-01T00:00:00Z"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


REFUSED_NAMES = [
    ("   ", 422, "only spaces"),
    ("\t\u00a0\u3000", 422, "only spaces"),
    ("a\u200bdmin", 422, "ZERO WIDTH SPACE"),
    ("\u202eadmin", 422, "RIGHT-TO-LEFT OVERRIDE"),
    ("ad\u00admin", 422, "SOFT HYPHEN"),
    ("a/b", 422, "SOLIDUS"),
    ("x\x07y", 422, "U+0007"),
    ("\u0430dmin", 422, "mixes CYRILLIC and LATIN"),
    ("adm\u0131n", 409, "looks like the existing user 'admin'"),  # dotless ı
    ("Admin", 409, "looks like the existing user 'admin'"),
    ("adrnin", 409, "looks like the existing user 'admin'"),  # rn / m
    ("\uff41\uff44\uff4d\uff49\uff4e", 409, "exists already"),  # full-width: NFKC admin
]


def test_user_names_are_checked(client: TestClient) -> None:
    for name, status, says in REFUSED_NAMES:
        answer = client.post("/users", json={"name": name})
        assert answer.status_code == status, (name, answer.text)
        assert says in answer.json()["detail"], name
    assert [u["name"] for u in client.get("/users").json()] == ["admin"]


def test_good_names_are_kept_normalised(client: TestClient) -> None:
    for name, stored in [
        ("Anna Virtanen", "Anna Virtanen"),
        ("  anna.virtanen@kunta.fi ", "anna.virtanen@kunta.fi"),
        ("Päivi\u00a0Mäki", "Päivi Mäki"),  # a no-break space is a space
        ("O'Brien", "O'Brien"),
        ("Иван", "Иван"),
    ]:
        answer = client.post("/users", json={"name": name})
        assert answer.status_code == 201, answer.text
        assert answer.json()["name"] == stored
    log = client.get("/audit").json()
    assert {e["details"]["user"] for e in log if e["action"] == "create_user"} >= {"Päivi Mäki"}


def test_every_user_can_be_changed_and_removed(client: TestClient, settings: Settings) -> None:
    # Names stored before names were checked can still be found, changed and deleted.
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        for legacy in ("a/b", "c d/e", "f%g"):
            session.add(User(name=legacy, token_hash=auth.hash_token(legacy), is_admin=False))
    db.dispose()
    assert client.post("/projects", json={"name": "p"}).status_code == 201
    member = client.put("/projects/p/members/a%2Fb", json={"role": "analyst"})
    assert member.status_code == 200 and member.json()["user"] == "a/b"
    assert client.put("/projects/p/members/a/b", json={"role": "evaluator"}).status_code == 200
    renamed = client.patch("/users/a%2Fb", json={"name": "a-b"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "a-b"
    assert client.get("/projects/p/members").json() == [{"user": "a-b", "role": "evaluator"}]
    assert client.patch("/users/a-b", json={"name": "b/a"}).status_code == 422
    assert client.patch("/users/a-b", json={"name": "Admin"}).status_code == 409
    for stored in ("c%20d%2Fe", "f%25g", "a-b"):
        assert client.delete(f"/users/{stored}").status_code == 204, stored
    assert [u["name"] for u in client.get("/users").json()] == ["admin"]
    assert client.delete("/users/ei-ole").status_code == 404
    # the last administrator stays
    assert client.delete("/users/admin").status_code == 409
    assert client.patch("/users/admin", json={"is_admin": False}).status_code == 409
    second = client.post("/users", json={"name": "toinen", "is_admin": True})
    assert client.patch("/users/admin", json={"is_admin": False}).status_code == 200
    assert client.get("/me", headers=_bearer(second.json()["token"])).json()["is_admin"]
    log = client.get("/audit", headers=_bearer(second.json()["token"])).json()
    actions = [e["action"] for e in log]
    assert actions.count("change_user") == 2 and actions.count("delete_user") == 3


def test_a_token_is_rotated_and_the_old_one_stops(client: TestClient) -> None:
    old = client.post("/users", json={"name": "kiertaja"}).json()["token"]
    assert client.get("/me", headers=_bearer(old)).status_code == 200
    answer = client.post("/me/token", headers=_bearer(old))
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    new = answer.json()["token"]
    assert new.startswith("tk_") and new != old
    stale = client.get("/me", headers=_bearer(old))
    assert stale.status_code == 401 and "not valid" in stale.json()["detail"]
    assert client.get("/me", headers=_bearer(new)).json()["name"] == "kiertaja"
    assert client.get("/audit").json()[0]["action"] == "rotate_token"


def test_an_expired_token_is_a_clear_401(client: TestClient) -> None:
    created = client.post("/users", json={"name": "vanheneva", "token_expires_at": FUTURE})
    token = created.json()["token"]
    assert created.json()["token_expires_at"].startswith("2999-01-01")
    assert client.get("/me", headers=_bearer(token)).status_code == 200
    assert client.patch("/users/vanheneva", json={"token_expires_at": PAST}).status_code == 200
    expired = client.get("/me", headers=_bearer(token))
    assert expired.status_code == 401
    assert expired.json()["detail"].startswith("This token expired at 2001-01-01 00:00 UTC")
    assert client.patch("/users/vanheneva", json={"token_expires_at": None}).status_code == 200
    assert client.get("/me", headers=_bearer(token)).json()["token_expires_at"] is None
    naive = client.patch("/users/vanheneva", json={"token_expires_at": "2999-01-01T00:00:00"})
    assert naive.status_code == 422  # a time without its zone is ambiguous


def _link(settings: Settings, name: str, minutes: float = 60) -> str:
    """A one-time sign-in code, made the way ``teemakartta sign-in-link`` makes one."""
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        user = auth.find_user(session, name)
        code = auth.create_sign_in_link(session, user, minutes)
    db.dispose()
    return code


def test_a_sign_in_link_works_once_and_its_session_ends(
    client: TestClient, settings: Settings
) -> None:
    client.post("/users", json={"name": "linkki"})
    code = _link(settings, "linkki")
    answer = client.post("/sign-in", json={"code": code}, headers={"Authorization": ""})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    session = answer.json()["token"]
    assert session.startswith("ts_") and answer.json()["name"] == "linkki"
    assert client.get("/me", headers=_bearer(session)).json()["name"] == "linkki"
    again = client.post("/sign-in", json={"code": code})
    assert again.status_code == 401 and "used already or it expired" in again.json()["detail"]
    assert client.post("/sign-in", json={"code": code[:-1]}).status_code == 401
    assert client.post("/sign-out", headers=_bearer(session)).status_code == 204
    ended = client.get("/me", headers=_bearer(session))
    assert ended.status_code == 401 and "not valid" in ended.json()["detail"]
    expired_code = _link(settings, "linkki", minutes=-1)
    assert client.post("/sign-in", json={"code": expired_code}).status_code == 401
    # an administrator's expiry of the user ends their sessions too
    session = client.post("/sign-in", json={"code": _link(settings, "linkki")}).json()["token"]
    late_code = _link(settings, "linkki")
    client.patch("/users/linkki", json={"token_expires_at": PAST})
    assert client.get("/me", headers=_bearer(session)).status_code == 401
    late = client.post("/sign-in", json={"code": late_code})
    assert late.status_code == 401 and "access expired" in late.json()["detail"]
    actions = [e["action"] for e in client.get("/audit").json()]
    assert actions.count("sign_in") == 2 and "sign_out" in actions


@pytest.fixture
def strict_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"failed_sign_ins_per_minute": 3})


@pytest.fixture
def strict_client(strict_settings: Settings, nlp: NlpResources) -> Iterator[TestClient]:
    with TestClient(create_app(strict_settings, nlp), client=("127.0.0.1", 40000)) as client:
        yield client


def test_failed_sign_ins_are_limited_per_address(
    strict_client: TestClient, strict_settings: Settings
) -> None:
    admin = (strict_settings.data_dir / "admin-token").read_text().strip()
    for _ in range(3):
        assert strict_client.get("/me", headers=_bearer("tk_guess")).status_code == 401
    refused = strict_client.get("/me", headers=_bearer("tk_guess"))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many failed sign-ins" in refused.json()["detail"]
    # a right token from that address is refused too: the answer must not tell them apart
    assert strict_client.get("/me", headers=_bearer(admin)).status_code == 429
    assert strict_client.post("/sign-in", json={"code": "tl_guess"}).status_code == 429
    # the UI server passes on its browser's address; another browser is not held up
    elsewhere = {**_bearer(admin), "X-Forwarded-For": "192.0.2.7"}
    assert strict_client.get("/me", headers=elsewhere).status_code == 200
    assert strict_client.get("/health").status_code == 200  # no credentials, no limit


def test_the_limit_forgets_failures_after_its_window() -> None:
    now = [1000.0]
    failures = FailedSignIns(limit=2, window_seconds=60, clock=lambda: now[0])
    failures.failed("a")
    now[0] += 30
    failures.failed("a")
    assert failures.retry_after("a") == 30 and failures.retry_after("b") is None
    now[0] += 30.5
    assert failures.retry_after("a") is None  # the first failure left the window
    many = FailedSignIns(limit=1, max_addresses=3, clock=lambda: now[0])
    for address in "wxyz":
        many.failed(address)
    assert many.retry_after("w") is None and many.retry_after("z") == 60  # memory is bounded


def test_every_answer_has_security_headers(client: TestClient) -> None:
    created = client.post("/users", json={"name": "otsake"})
    answers = [
        client.get("/health"),
        client.get("/me"),
        client.get("/projects/ei-ole"),
        client.get("/me", headers=_bearer("tk_wrong")),
        created,
    ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
    assert created.headers["cache-control"] == "no-store"  # it holds a token


def test_data_folder_and_database_are_private(tmp_path: Path, nlp: NlpResources) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    with TestClient(create_app(settings, nlp)) as client:
        token = (settings.data_dir / "admin-token").read_text().strip()
        assert client.post("/projects", json={"name": "p"}, headers=_bearer(token)).is_success
        files = {p.name: p for p in settings.data_dir.iterdir()}
        assert {"teemakartta.db", "teemakartta.db-wal", "admin-token"} <= set(files)
        assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
        for path in files.values():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    db = Database(settings.resolved_database_url)
    with db.session() as session:
        assert session.scalar(select(User.name)) == "admin"
    db.dispose()
