"""The role matrix: every route of the OpenAPI schema, called by every kind of user.

Each route publishes its rule as ``x-access`` (the app refuses to start when a route has
none), so a new route is checked here without anyone remembering to add it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.auth import PERMISSIONS
from service.config import Settings

PROJECT_ROLES = ["admin", "analyst", "coordinator", "evaluator"]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The matrix tries a wrong token on every route from one address: no limit on that."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=database_url,
        failed_sign_ins_per_minute=1_000_000,
    )


def _setup_users(client: TestClient) -> dict[str, str]:
    """Tokens by kind of user: a member per role, an outsider, and the global admin."""
    tokens = {"global-admin": client.headers["Authorization"].split()[1]}
    for name in [*PROJECT_ROLES, "outsider"]:
        created = client.post("/users", json={"name": f"user-{name}"})
        assert created.status_code == 201, created.text
        tokens[name] = created.json()["token"]
    return tokens


def _ensure_project(client: TestClient, admin: str) -> None:
    headers = {"Authorization": f"Bearer {admin}"}
    if client.get("/projects/p", headers=headers).status_code == 200:
        return
    assert client.post("/projects", json={"name": "p"}, headers=headers).status_code == 201
    for role in PROJECT_ROLES:
        response = client.put(
            f"/projects/p/members/user-{role}", json={"role": role}, headers=headers
        )
        assert response.status_code == 200, response.text


def _url(path: str) -> str:
    values = {"project": "p", "name": "nobody", "user_name": "nobody", "job_id": "no-job"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "999999"), path)


def _call(client: TestClient, method: str, path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
    kwargs: dict[str, Any] = {"headers": headers}
    if method in ("post", "put", "patch"):
        kwargs["json"] = {}
    return client.request(method.upper(), _url(path), **kwargs)


def _allowed(rule: str, user: str) -> bool:
    scope, permission = rule.split(":")
    if user == "global-admin":
        return True
    if scope == "global":
        return permission != "manage"
    return user != "outsider" and permission in PERMISSIONS[user]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_route_enforces_its_rule_for_every_role(client: TestClient) -> None:
    tokens = _setup_users(client)
    schema = client.get("/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            rule = operation["x-access"]
            if rule == "public":
                assert _call(client, method, path, None).status_code not in (401, 403, 500)
                continue
            where = f"{method.upper()} {path}"
            assert _call(client, method, path, None).status_code == 401, where
            assert _call(client, method, path, "tk_not-a-token").status_code == 401, where
            for user, token in tokens.items():
                _ensure_project(client, tokens["global-admin"])
                response = _call(client, method, path, token)
                if path == "/me/token" and response.is_success:
                    tokens[user] = response.json()["token"]  # the old one stopped working
                is_json = response.headers.get("content-type", "").startswith("application/json")
                body = response.json() if response.content and is_json else {}
                detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
                if _allowed(rule, user):
                    assert response.status_code not in (401, 403), (where, user, response.text)
                    assert "No project named" not in detail, (where, user)
                elif rule.startswith("project:") and user == "outsider":
                    # an outsider learns nothing, not even that the project exists
                    assert response.status_code == 404, (where, user, response.text)
                else:
                    assert response.status_code == 403, (where, user, response.text)
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_outsiders_see_no_other_projects(client: TestClient) -> None:
    tokens = _setup_users(client)
    _ensure_project(client, tokens["global-admin"])
    assert client.post("/projects", json={"name": "secret"}).status_code == 201
    for user in PROJECT_ROLES:
        listed = client.get("/projects", headers={"Authorization": f"Bearer {tokens[user]}"})
        assert [p["name"] for p in listed.json()] == ["p"], user
    outsider = {"Authorization": f"Bearer {tokens['outsider']}"}
    assert client.get("/projects", headers=outsider).json() == []
    assert client.get("/projects/secret/notes", headers=outsider).status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_deletions_and_edits_are_audited(client: TestClient) -> None:
    assert client.post("/projects", json={"name": "gone"}).status_code == 201
    assert client.delete("/projects/gone").status_code == 204
    log = client.get("/audit").json()
    assert [e["action"] for e in log][:2] == ["delete_project", "create_project"]
    assert log[0]["user"] == "admin" and log[0]["project"] == "gone"
