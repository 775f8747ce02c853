"""Use cases that change who may do what and what a project holds, each with its audit
entry in the caller's transaction: users, tokens, sessions and memberships
(``accounts``), projects (``projects``), documents (``documents``) and jobs (``jobs``).

The API's routes parse a request, call one of these and shape the answer; they write no
audit entry themselves (``tests/test_core.py``). A refusal is a ``service.errors``
kind, answered once for HTTP (``api/errors.py``) and once for the CLI
(``commands.CommandApp``). The other use cases have their own packages: ingest
(``ingest.py``), theme runs, edits and views (``theming/``), human codes
(``coding.py``), exports (``export/``) and reports (``report/``); see
``docs/ARCHITECTURE.md``.
"""
