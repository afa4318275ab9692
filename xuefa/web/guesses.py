"""Refusing a client that guesses codes (a contest's six-digit team codes, an exam's code with 警号 and 姓名).

Each address may fail ``limit`` times within ``window_s`` seconds; after that, every attempt from it is refused
(HTTP 429, with ``Retry-After``) until its oldest failure leaves the window. Right answers are refused too while
an address is blocked, or a guesser would learn which guess was right. Successful attempts are never counted,
so a room of officers behind one address is blocked only by that many mistakes.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Protocol

from fastapi import Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)


class Limiter(Protocol):
    """What the routes ask of a limiter: this one in memory (one process) or
    ``xuefa.web.shared_guesses.SharedGuessLimiter`` in the database (several processes)."""

    def retry_after(self, client: str) -> float: ...

    def failed(self, client: str) -> None: ...


class GuessLimiter:
    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until this client may try again; 0 when it may now."""
        with self._lock:
            failures = self._failures.get(client)
            if failures is None:
                return 0.0
            self._expire(failures)
            if len(failures) < self.limit:
                return 0.0
            return max(failures[-self.limit] + self.window_s - self._clock(), 0.0)

    def failed(self, client: str) -> None:
        with self._lock:
            failures = self._failures.setdefault(client, deque())
            self._expire(failures)
            failures.append(self._clock())
            self._failures.move_to_end(client)
            while len(self._failures) > self._max_clients:  # the longest quiet addresses go first
                self._failures.popitem(last=False)

    def _expire(self, failures: deque[float]) -> None:
        horizon = self._clock() - self.window_s
        while failures and failures[0] <= horizon:
            failures.popleft()


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def too_many(seconds: float, headers: dict[str, str], client: str) -> JSONResponse:
    wait = max(math.ceil(seconds), 1)
    log.warning("refused %s for %d s more: too many wrong codes", client, wait)
    return JSONResponse({"error": f"尝试次数过多，请 {wait} 秒后再试。"}, status_code=429,
                        headers={**headers, "Retry-After": str(wait)})
