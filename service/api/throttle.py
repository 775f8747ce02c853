"""A limit on failed sign-ins per client address, so tokens cannot be guessed at speed.

An address with ``limit`` failed sign-ins (unknown, ended or expired token, spent sign-in
link) within ``window_seconds`` is refused — whatever token it sends next, a right one
too, or the answer would tell a guess from a hit — until its oldest failure leaves the
window. In-process state: each API process counts its own failures.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from starlette.requests import Request

# Only a local process (the UI server) may say whose request it passes on.
_TRUSTED_PROXIES = {"127.0.0.1", "::1"}


def client_address(request: Request) -> str:
    """The address a sign-in attempt comes from: the peer, or for the local UI server
    the browser's address it forwards in ``X-Forwarded-For``."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    if peer in _TRUSTED_PROXIES and forwarded:
        return forwarded.split(",")[-1].strip() or peer
    return peer


class FailedSignIns:
    """Failures per address in a sliding window (the ``clock`` is injectable for tests)."""

    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = 10_000,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self.max_addresses = max_addresses
        # address -> times of its recent failures; least recently failed first, so that
        # a flood of new addresses pushes out old entries instead of growing memory.
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str) -> deque[float]:
        times = self._failures.get(address, deque())
        horizon = self.clock() - self.window_seconds
        while times and times[0] <= horizon:
            times.popleft()
        if not times:
            self._failures.pop(address, None)
        return times

    def retry_after(self, address: str) -> int | None:
        """Whole seconds this address must wait, or None when it may try now."""
        times = self._recent(address)
        if len(times) < self.limit:
            return None
        wait = times[-self.limit] + self.window_seconds - self.clock()
        return max(1, math.ceil(wait))

    def failed(self, address: str) -> None:
        times = self._recent(address)
        times.append(self.clock())
        self._failures[address] = times
        self._failures.move_to_end(address)
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)
