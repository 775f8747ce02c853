"""A lock that serves threads in the order they asked for it."""

from __future__ import annotations

import threading

__all__ = ["FairLock"]


class FairLock:
    """A lock taken in the order threads asked for it. A plain Lock lets the thread that
    releases it take it straight back, so one job's batches could shut another's out."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._changed.wait_for(lambda: self._serving == ticket)

    def __exit__(self, *_exc: object) -> None:
        with self._changed:
            self._serving += 1
            self._changed.notify_all()
