"""Use cases the API routes and the CLI commands both call, each change audited in the
caller's transaction: users, tokens, sessions, memberships and the audit log
(``accounts``), projects (``projects``), documents (``documents``), notes and their
search (``notes``) and jobs (``jobs``).

Routes and commands parse the input, call one of these and shape the answer; they write
no audit entry and query no database themselves (``tests/test_core.py``). A refusal is a
``service.errors`` kind, answered once for HTTP (``api/errors.py``) and once for the CLI
(``commands.CommandApp``). The other use cases have their own packages: ingest
(``ingest.py``), theme runs, edits and views (``theming/``), human codes
(``coding.py``), exports (``export/``) and reports (``report/``); see
``docs/ARCHITECTURE.md``.
"""
