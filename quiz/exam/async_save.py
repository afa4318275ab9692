"""``AsyncSaves``: an answer's save run on the event loop itself, on PostgreSQL.

``ExamService.save_answer`` is a blocking call: a web worker runs it in a thread, and handing each save to a
thread and back (two wake-ups across threads) plus SQLAlchemy's execution cost several times the statement's
own round trip. For a sitting the process remembers (``ExamService.plan_remembered_save``) the same one
statement, ``SAVE_IN_ONE_STATEMENT`` compiled once for psycopg, runs here on a few asynchronous psycopg
connections in autocommit (prepared on the server at first use), without a thread.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from quiz.exam.service import SAVE_IN_ONE_STATEMENT, PlannedSave


class AsyncSaves:
    def __init__(self, engine: Engine, max_connections: int = 8) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("AsyncSaves needs PostgreSQL")
        assert isinstance(SAVE_IN_ONE_STATEMENT, ClauseElement)
        compiled = SAVE_IN_ONE_STATEMENT.compile(dialect=engine.dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self._convert: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            convert = bind.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
            if convert is not None:
                self._convert[name] = convert
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.max_connections = max_connections
        self._idle: list[psycopg.AsyncCursor[Any]] = []
        """One cursor per idle connection, kept with it (a cursor made per save cost its adapters' copy)."""
        self._open = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def save(self, planned: PlannedSave) -> bool:
        """Run the save's one statement; True if the answer was written (the sitting was claimed)."""
        parameters = planned.parameters()
        for name, convert in self._convert.items():
            parameters[name] = convert(parameters[name])
        cursor = await self._take()
        try:
            await cursor.execute(self.sql, parameters, prepare=True)
            written = await cursor.fetchone() is not None
        except BaseException:
            self._open -= 1
            self._wake_one()
            await cursor.connection.close()  # a connection that failed is not reused (the page retries the save)
            raise
        self._idle.append(cursor)
        self._wake_one()
        return written

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for cursor in idle:
            await cursor.connection.close()

    async def _take(self) -> psycopg.AsyncCursor[Any]:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new loop (a test client's): the old loop's connections cannot serve it
            self._loop, self._idle, self._open, self._waiting = loop, [], 0, deque()
        while not self._idle and self._open >= self.max_connections:
            waiter = loop.create_future()
            self._waiting.append(waiter)
            await waiter
        if self._idle:
            return self._idle.pop()
        self._open += 1
        try:
            conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            return conn.cursor()
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
