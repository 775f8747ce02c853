"""The use cases of service/core/ own their audit entries (issue 16): called without the
API, each change writes its entry in the same transaction, a refusal writes nothing, and
no route of the API writes an audit entry itself."""

from __future__ import annotations

import ast
import datetime as dt

import pytest
from sqlalchemy import select

from service import auth
from service.config import REPO_ROOT
from service.core import accounts, documents, jobs, notes, projects
from service.errors import Conflict, Forbidden, Invalid, NotFound
from service.storage.db import Database
from service.storage.models import Document, Job, Project
from tests.factories import audit_log, database, sample_project

ROUTES = REPO_ROOT / "service" / "api" / "routes"
AUDIT_WRITERS = {"audit", "add_audit_entry", "add_audit_entry_named"}


def _called_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            names.add(
                target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            )
    return names


def test_no_route_writes_an_audit_entry_itself() -> None:
    writers = [
        path.name
        for path in sorted(ROUTES.glob("*.py"))
        if _called_names(ast.parse(path.read_text("utf-8"))) & AUDIT_WRITERS
    ]
    assert len(list(ROUTES.glob("*.py"))) > 10  # the folder is found
    assert writers == [], f"routes that audit themselves (move the rule to service/core): {writers}"


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_routes_and_commands_query_no_database_themselves() -> None:
    # They parse, call a use case (service/core or a use-case package) and answer: a
    # query of their own would be a rule the other front end does not share.
    fronts = [*ROUTES.glob("*.py"), *(REPO_ROOT / "service" / "commands").glob("*.py")]
    fronts.append(REPO_ROOT / "service" / "cli.py")
    querying = {
        path.name: sorted(
            module
            for module in _imported_modules(ast.parse(path.read_text("utf-8")))
            if module.split(".")[0] == "sqlalchemy" or module == "service.storage.repository"
        )
        for path in fronts
    }
    assert len(fronts) > 20  # the folders are found
    assert {name: found for name, found in querying.items() if found} == {}


@pytest.fixture
def db(database_url: str) -> Database:
    with database(database_url) as db:
        with db.session() as session:
            auth.create_user(session, "admin", is_admin=True)
        yield db


def _admin(session) -> auth.User:  # type: ignore[no-untyped-def]
    return auth.find_user(session, "admin")


def test_account_changes_are_audited_with_the_change(db: Database) -> None:
    with db.session() as session:
        user, token = accounts.create_user(session, _admin(session), "Maija")
        assert token
    with db.session() as session:
        maija = auth.find_user(session, "Maija")
        expiry = dt.datetime(2030, 1, 1)
        accounts.change_user(
            session, _admin(session), maija, name="Maija M", token_expires_at=expiry
        )
        accounts.rotate_token(session, maija)
    project_id = sample_project(db, "hanke").project_id
    with db.session() as session:
        stored = accounts.set_member(
            session, _admin(session), "hanke", project_id, "Maija M", "analyst"
        )
        assert stored == "Maija M"
        accounts.delete_user(session, _admin(session), auth.find_user(session, "Maija M"))
    assert [e for e in audit_log(db)] == [
        ("create_user", "admin", None),
        ("change_user", "admin", None),
        ("rotate_token", "Maija M", None),
        ("set_role", "admin", "hanke"),
        ("delete_user", "admin", None),
    ]


def test_a_refused_change_writes_no_audit_entry(db: Database) -> None:
    # The last administrator stays one.
    with pytest.raises(Conflict), db.session() as session:
        accounts.delete_user(session, _admin(session), _admin(session))
    with pytest.raises(NotFound), db.session() as session:
        accounts.set_member(session, _admin(session), "x", 1, "nobody", "analyst")
    assert audit_log(db) == []


def test_document_edits_and_deletes_are_audited(db: Database) -> None:
    sample = sample_project(db, "hanke")
    with db.session() as session:
        project = session.get(Project, sample.project_id)
        first, second = session.scalars(select(Document.id).order_by(Document.id)).all()[:2]
        unchanged = documents.edit_document(session, _admin(session), project, first, {})
        assert unchanged.region == "Pohjois-Savo"  # nothing changed: nothing audited
        edited = documents.edit_document(
            session, _admin(session), project, first, {"region": " Lappi ", "date": None}
        )
        assert (edited.region, edited.date) == ("Lappi", None)
        documents.delete_document(session, _admin(session), project, second)
    with pytest.raises(Invalid), db.session() as session:
        project = session.get(Project, sample.project_id)
        documents.edit_document(session, _admin(session), project, first, {"kind": " "})
    with db.session() as session:
        assert session.get(Document, second) is None
    assert audit_log(db) == [
        ("edit_document", "admin", "hanke"),
        ("delete_document", "admin", "hanke"),
    ]


def test_a_project_delete_is_audited_under_its_name(db: Database) -> None:
    sample = sample_project(db, "poistuva")
    with db.session() as session:
        projects.delete_project(session, _admin(session), session.get(Project, sample.project_id))
    with db.session() as session:
        assert session.scalar(select(Project).where(Project.name == "poistuva")) is None
    assert audit_log(db) == [("delete_project", "admin", "poistuva")]


def test_cancelling_a_job_checks_project_role_and_state(db: Database) -> None:
    sample = sample_project(db, "hanke")
    other = sample_project(db, "toinen")
    with db.session() as session:
        session.add(Job(id="j1", project_id=sample.project_id, kind="themes", state="queued"))
        session.add(Job(id="j2", project_id=other.project_id, kind="themes", state="queued"))
        auth.create_user(session, "lukija")
        auth.set_role(session, "lukija", sample.project_id, "evaluator")
    with db.session() as session:
        project = session.get(Project, sample.project_id)
        with pytest.raises(NotFound):  # another project's job is not found from this one
            jobs.cancel(session, _admin(session), project, "j2")
        with pytest.raises(Forbidden):
            jobs.cancel(session, auth.find_user(session, "lukija"), project, "j1")
        job = jobs.cancel(session, _admin(session), project, "j1")
        assert (job.state, job.error) == ("failed", "Cancelled by admin.")
        with pytest.raises(Conflict):
            jobs.cancel(session, _admin(session), project, "j1")
    assert audit_log(db) == [("cancel_job", "admin", "hanke")]


class _Lemmas:
    """An analyzer that gives each word itself as its lemma (the real one needs spaCy)."""

    def analyze(self, words):  # type: ignore[no-untyped-def]
        return [type("Analysis", (), {"lemmas": (word.lower(),)})() for word in words]


def test_reads_show_a_user_only_the_projects_and_jobs_they_are_members_of(db: Database) -> None:
    sample = sample_project(db, "hanke")
    other = sample_project(db, "toinen")
    with db.session() as session:
        session.add(Job(id="mine", project_id=sample.project_id, kind="themes", state="queued"))
        session.add(Job(id="theirs", project_id=other.project_id, kind="themes", state="done"))
        session.add(Job(id="orphan", project_id=None, kind="ingest", state="failed"))
        session.add(Job(id="batch", project_id=sample.project_id, kind="analyse", state="done"))
        auth.create_user(session, "lukija")
        auth.set_role(session, "lukija", sample.project_id, "evaluator")
    with db.session() as session:
        reader = auth.find_user(session, "lukija")
        assert [p.name for p in projects.visible_projects(session, reader)] == ["hanke"]
        assert [p.name for p in projects.visible_projects(session, _admin(session))] == [
            "hanke",
            "toinen",
        ]
        assert jobs.visible_job(session, reader, "mine").id == "mine"
        assert jobs.visible_job(session, reader, "orphan").id == "orphan"  # project deleted
        with pytest.raises(NotFound):  # exists, but in a project the reader is not in
            jobs.visible_job(session, reader, "theirs")
        assert jobs.visible_job(session, _admin(session), "theirs").id == "theirs"
        hanke = projects.find_project(session, "hanke")
        assert [job.id for job in jobs.latest_jobs(session, hanke)] == ["mine"]  # no batch
        counted = projects.summary(session, hanke)
        assert (counted.documents, counted.notes) == (3, len(sample.notes))


def test_finding_notes_searches_lemmas_and_refuses_an_empty_query(db: Database) -> None:
    sample = sample_project(db, "hanke")
    with db.session() as session:
        project = session.get(Project, sample.project_id)
        where = notes.NoteFilter(search=notes.search_terms("hoitajia", _Lemmas()))
        rows, total = notes.find_notes(session, project, where)
        assert total == 1 and "hoitajia" in rows[0][0].text
        _everything, total_all = notes.find_notes(session, project, limit=None)
        assert total_all == len(sample.notes)
        for query in ("  ", "?!", "--"):
            with pytest.raises(Invalid):
                notes.search_terms(query, _Lemmas())


def test_find_or_create_audits_a_project_it_creates_once(db: Database) -> None:
    with db.session() as session:
        created, was_new = projects.find_or_create(session, "uusi", author="admin")
        found, again = projects.find_or_create(session, "uusi", author="admin")
        assert (was_new, again, found.id) == (True, False, created.id)
    assert audit_log(db) == [("create_project", "admin", "uusi")]
