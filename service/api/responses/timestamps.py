"""Times in answers: always with their UTC offset.

The database stores times without a zone (SQLite has none; the columns are plain
``DateTime``), and every time it stores is UTC. Sent as they are, they would be naive ISO
strings, which are no ``date-time`` in OpenAPI (RFC 3339 requires an offset) and which a
client could read as its own local time. ``UtcDateTime`` attaches UTC to a naive value
(and converts an aware one to UTC), so every answer sends e.g. ``2026-12-01T10:04:41Z``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator

from service.storage.models import as_utc

UtcDateTime = Annotated[dt.datetime, AfterValidator(as_utc)]
"""A time sent with its UTC offset; use it for every time in a response model."""
