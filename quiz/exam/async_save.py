"""``AsyncSaves``: an answer's save run on the event loop itself, on PostgreSQL.

``ExamService.save_answer`` is a blocking call: a web worker runs it in a thread, and handing each save to a
thread and back (two wake-ups across threads) plus SQLAlchemy's execution cost several times the statement's
own round trip. For a sitting the process remembers (``ExamService.plan_remembered_save``) the same one
statement, ``SAVE_IN_ONE_STATEMENT``, runs here without a thread on a few connections in autocommit.

Each connection speaks libpq directly (``PreparedSaves``): the statement is prepared once when the connection
opens, and the loop watches the connection's socket for as long as it lives. psycopg's cursor, which this
replaced, converts the query and its parameters at every call and registers and unregisters the socket with
the loop for every wait: 468 µs of CPU per save arriving 40 ms after the last, against 250 µs this way
(docs/benchmarks.md, issue 14).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg
from psycopg import pq
from psycopg.errors import error_from_result
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement, sqltypes
from sqlalchemy.sql.compiler import SQLCompiler

from quiz.exam.service import SAVE_IN_ONE_STATEMENT, PlannedSave

STATEMENT_NAME = b"xuefa_save"
APPLICATION_NAME = "xuefa-saves"
"""What these connections call themselves to the server (``pg_stat_activity.application_name``)."""

Encode = Callable[[Any], bytes | None]
SUCCEEDED = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)


def text_encoder(type_: sqltypes.TypeEngine[Any]) -> Encode:
    """A parameter's value → PostgreSQL's text form (None: NULL), by its SQLAlchemy type; the statement casts
    every parameter, so the server knows each type. JSON is written as psycopg's ``Json`` writes it."""
    if isinstance(type_, sqltypes.JSON):
        return lambda v: json.dumps(v).encode()
    if isinstance(type_, sqltypes.DateTime):
        return lambda v: None if v is None else _timestamp(v)
    if isinstance(type_, (sqltypes.Integer, sqltypes.String)):
        return lambda v: None if v is None else str(v).encode()
    raise TypeError(f"no text form for a parameter of type {type_!r}")


def _timestamp(value: datetime) -> bytes:
    if value.tzinfo is None:
        raise ValueError("a save's time must carry its time zone")
    return value.isoformat().encode()


class PositionalStatement:
    """``SAVE_IN_ONE_STATEMENT`` compiled for PostgreSQL with ``$1 … $n`` in place of named parameters, and the
    text encoders of those parameters in that order."""

    def __init__(self, engine: Engine) -> None:
        assert isinstance(SAVE_IN_ONE_STATEMENT, ClauseElement)
        compiled = SAVE_IN_ONE_STATEMENT.compile(dialect=engine.dialect)
        assert isinstance(compiled, SQLCompiler)
        names: list[str] = []

        def position(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        self.sql = re.sub(r"%\((\w+)\)s", position, str(compiled)).replace("%%", "%").encode()
        self.names = tuple(names)
        self.encoders = tuple(text_encoder(compiled.binds[name].type) for name in names)

    def values(self, parameters: dict[str, Any]) -> list[bytes | None]:
        return [encode(parameters[name]) for name, encode in zip(self.names, self.encoders, strict=True)]


class PreparedSaves:
    """One connection in autocommit with the save statement prepared on it. The loop calls ``_readable``
    whenever the socket has data; a statement's results are collected there and hand to its waiter."""

    def __init__(self, conn: psycopg.AsyncConnection[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.conn = conn
        self.pgconn = conn.pgconn
        self.pgconn.nonblocking = 1
        self.loop = loop
        self.broken = False
        self._socket = self.pgconn.socket
        self._waiter: asyncio.Future[pq.abc.PGresult | None] | None = None
        self._result: pq.abc.PGresult | None = None
        loop.add_reader(self._socket, self._readable)

    @classmethod
    async def open(cls, conninfo: str, statement: PositionalStatement) -> PreparedSaves:
        conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
        saves = cls(conn, asyncio.get_running_loop())
        try:
            await saves._exchange(lambda pg: pg.send_prepare(STATEMENT_NAME, statement.sql))
        except BaseException:
            await saves.close()
            raise
        return saves

    async def run(self, values: list[bytes | None]) -> bool:
        """Run the prepared statement; True if it returned a row (the answer was written)."""
        result = await self._exchange(lambda pg: pg.send_query_prepared(STATEMENT_NAME, values))
        return result is not None and result.ntuples > 0

    async def close(self) -> None:
        self._break()
        await self.conn.close()

    def _break(self) -> None:
        """Not to be used again: the loop stops watching the socket."""
        if not self.broken:
            self.broken = True
            self.loop.remove_reader(self._socket)

    async def _exchange(self, send: Callable[[pq.abc.PGconn], None]) -> pq.abc.PGresult | None:
        """Send one command and wait for all its results; the last one, or the error of the first that failed.
        Any failure (or a cancellation) leaves the connection broken: the caller closes it."""
        if self.broken or self._waiter is not None:
            raise psycopg.InterfaceError("this save connection is broken or busy")
        waiter = self.loop.create_future()
        self._waiter, self._result = waiter, None
        try:
            send(self.pgconn)
            while self.pgconn.flush():  # the socket's buffer is full: rare for one small statement
                await asyncio.sleep(0.001)
            result = await waiter
        except BaseException:
            self._waiter = None
            self._break()
            raise
        if result is not None and result.status not in SUCCEEDED:
            self._break()
            raise error_from_result(result)
        return result

    def _readable(self) -> None:
        pg = self.pgconn
        try:
            pg.consume_input()
            while self._waiter is not None and not pg.is_busy():
                result = pg.get_result()
                if result is None:  # the command is done
                    done, self._waiter = self._waiter, None
                    if not done.done():
                        done.set_result(self._result)
                    return
                if self._result is None or self._result.status in SUCCEEDED:
                    self._result = result  # keep the first error, else the last result
        except Exception as e:  # the connection is lost (consume_input): the waiter, if any, gets the error
            self._break()
            failed, self._waiter = self._waiter, None
            if failed is not None and not failed.done():
                failed.set_exception(e if isinstance(e, psycopg.Error) else psycopg.OperationalError(str(e)))


class AsyncSaves:
    def __init__(self, engine: Engine, max_connections: int = 8) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("AsyncSaves needs PostgreSQL")
        self.statement = PositionalStatement(engine)
        self._conninfo = engine.url.set(drivername="postgresql").update_query_dict(
            {"application_name": APPLICATION_NAME}).render_as_string(hide_password=False)
        self.max_connections = max_connections
        self._idle: list[PreparedSaves] = []
        self._open = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def save(self, planned: PlannedSave) -> bool:
        """Run the save's one statement; True if the answer was written (the sitting was claimed)."""
        values = self.statement.values(planned.parameters())
        connection = await self._take()
        try:
            written = await connection.run(values)
        except BaseException:
            self._open -= 1
            self._wake_one()
            await connection.close()  # a connection that failed is not reused (the page retries the save)
            raise
        self._idle.append(connection)
        self._wake_one()
        return written

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for connection in idle:
            await connection.close()

    async def _take(self) -> PreparedSaves:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new loop (a test client's): the old loop's connections cannot serve it
            self._loop, self._idle, self._open, self._waiting = loop, [], 0, deque()
        while not self._idle and self._open >= self.max_connections:
            waiter = loop.create_future()
            self._waiting.append(waiter)
            await waiter
        while self._idle:
            connection = self._idle.pop()
            if not connection.broken:
                return connection
            self._open -= 1  # lost while idle (the server ended it): found before a save had to fail on it
            await connection.close()
        self._open += 1
        try:
            return await PreparedSaves.open(self._conninfo, self.statement)
        except BaseException:
            self._open -= 1
            self._wake_one()
            raise

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
