"""The rule for project names: they appear in URLs and file names, so they are short
lowercase slugs. Imports nothing of the service, so every layer can use it."""

from __future__ import annotations

import re

__all__ = ["PROJECT_NAME_RE", "check_project_name"]

PROJECT_NAME_RE = re.compile(r"^[a-z0-9äöå][a-z0-9äöå_-]{0,62}$")


def check_project_name(name: str) -> str:
    """``name`` if it is a valid project name; else ValueError saying what one looks like."""
    if not PROJECT_NAME_RE.match(name):
        raise ValueError(
            "A project name is 1-63 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit (for example 'pohjois-savo-2017')."
        )
    return name
