"""The wrong-code limiter of ``xuefa.web.guesses`` kept in the database, for several server processes on one
PostgreSQL database: a guesser refused by one process is refused by every other.

Each wrong code is a row (address, time in epoch seconds by ``clock``); an address is refused while it has
``limit`` rows younger than ``window_s``. Rows older than the window are deleted by the process that writes
the next failure of that address; ``prune`` deletes every address's old rows (an address that never fails
again leaves its last ``limit`` rows behind). ``PruneSchedule`` runs it once a window, from the exam timer
sweep's loop (``xuefa.web.exam_routes``); on PostgreSQL one process at a time prunes (a transaction's
advisory lock: the others skip that round).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, delete, func, select
from sqlalchemy.engine import Engine

metadata = MetaData()
failures = Table(
    "web_wrong_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_web_wrong_codes_address_at", "address", "at"),
)


PRUNE_LOCK_KEY = 0x7866_0E03
"""The PostgreSQL advisory lock (for one transaction) of the process that prunes."""


class SharedGuessLimiter:
    """``GuessLimiter``'s interface (``retry_after``, ``failed``) over the ``web_wrong_codes`` table."""

    def __init__(self, engine: Engine, limit: int, window_s: float, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window_s = window_s
        self._engine = engine
        self._clock = clock
        metadata.create_all(engine)

    def retry_after(self, client: str) -> float:
        """Seconds until this client may try again; 0 when it may now (one indexed read)."""
        now = self._clock()
        address = client[:64]
        stmt = (select(failures.c.at).where(failures.c.address == address, failures.c.at > now - self.window_s)
                .order_by(failures.c.at.desc()).limit(self.limit))
        with self._engine.connect() as conn:
            recent = list(conn.scalars(stmt))
        if len(recent) < self.limit:
            return 0.0
        return max(recent[-1] + self.window_s - now, 0.0)

    def failed(self, client: str) -> None:
        now = self._clock()
        address = client[:64]
        with self._engine.begin() as conn:
            conn.execute(delete(failures).where(failures.c.address == address, failures.c.at <= now - self.window_s))
            conn.execute(failures.insert().values(address=address, at=now))

    def prune(self) -> int:
        """Delete the failures of every address that have left the window; returns how many (0 on PostgreSQL
        when another process is pruning at the same moment)."""
        with self._engine.begin() as conn:
            if conn.dialect.name == "postgresql" and not conn.scalar(
                    select(func.pg_try_advisory_xact_lock(PRUNE_LOCK_KEY))):
                return 0
            return conn.execute(delete(failures).where(failures.c.at <= self._clock() - self.window_s)).rowcount

    def count(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(failures)) or 0)


class PruneSchedule:
    """``limiter.prune()`` at most once every ``every_s`` seconds of ``clock``; the first ``tick`` prunes."""

    def __init__(self, limiter: SharedGuessLimiter, every_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limiter = limiter
        self.every_s = every_s
        self._clock = clock
        self._due = clock()

    def tick(self) -> int | None:
        """Rows pruned, or None when not due yet."""
        now = self._clock()
        if now < self._due:
            return None
        self._due = now + self.every_s
        return self.limiter.prune()
