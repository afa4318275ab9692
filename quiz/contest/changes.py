"""Contest changes made by other server processes on the same PostgreSQL database, heard through
``LISTEN``/``NOTIFY``: the process that changes a contest sends ``NOTIFY xuefa_contest, '<code> <origin>'`` in the
transaction that writes it (delivered at commit); ``ChangeFeed`` listens on its own connection in a thread and
calls ``on_change(code)`` for every change another process made. After a lost connection it calls
``on_reconnect()`` (what was missed meanwhile is unknown) and listens again. SQLite has no feed: one process
serves it and screens poll.
"""

from __future__ import annotations

import logging
import select as select_module
import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

CHANNEL = "xuefa_contest"
RETRY_S = 1.0
STOP_CHECK_S = 0.5


def announce(conn: Connection, code: str, origin: str) -> None:
    """Tell the other processes (at this transaction's commit) that ``code`` changed."""
    conn.execute(select(func.pg_notify(CHANNEL, f"{code} {origin}")))


class ChangeFeed:
    def __init__(self, engine: Engine, origin: str, on_change: Callable[[str], None],
                 on_reconnect: Callable[[], None]) -> None:
        self._engine = engine
        self._origin = origin
        self._on_change = on_change
        self._on_reconnect = on_reconnect
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="contest-change-feed", daemon=True)

    def start(self, wait_s: float = 10.0) -> None:
        """Start listening; returns once the first ``LISTEN`` is in place (or after ``wait_s``)."""
        self._thread.start()
        self._listening.wait(wait_s)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql(f"LISTEN {CHANNEL}")
                    if not first:
                        self._on_reconnect()
                    first = False
                    self._listening.set()
                    self._listen(conn)
            except Exception:  # the database restarted or the connection broke: listen again
                log.exception("contest change feed lost its connection; listening again")
                self._stop.wait(RETRY_S)

    def _listen(self, conn: Connection) -> None:
        driver = conn.connection.driver_connection
        assert driver is not None
        while not self._stop.is_set():
            # wait on the socket (woken at a notification, or to check for stop): psycopg's own wait in
            # notifies() wakes every 0.1 s, ten wake-ups a second of an idle worker
            if not select_module.select([driver.fileno()], [], [], STOP_CHECK_S)[0]:
                continue
            for note in driver.notifies(timeout=0):
                code, _, origin = note.payload.partition(" ")
                if origin != self._origin:
                    try:
                        self._on_change(code)
                    except Exception:
                        log.exception("contest change listener failed")
