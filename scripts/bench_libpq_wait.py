"""The CPU of one small upsert on PostgreSQL from an asyncio (uvloop) program, two ways: psycopg's
``AsyncCursor.execute(..., prepare=True)`` (the query and parameters converted at every call, the socket
registered with the loop and unregistered for every wait) against libpq directly with the statement prepared
once and the socket watched for the connection's life (the design of ``quiz.exam.async_save.PreparedSaves``).
``--pace S`` sleeps S seconds before each statement, as an exam's saves arrive (a worker asleep in between).

    PYTHONPATH=. python scripts/bench_libpq_wait.py --database-url postgresql://xuefa:xuefa@127.0.0.1/xuefa --pace 0.04
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
import uvloop
from psycopg import pq

UPSERT = ("INSERT INTO t VALUES (%(a)s::INTEGER, %(g)s::JSON, %(at)s::TIMESTAMP WITH TIME ZONE) "
          "ON CONFLICT (a) DO UPDATE SET g = excluded.g, at = excluded.at RETURNING a")
PREPARED = ("INSERT INTO t VALUES ($1::INTEGER, $2::JSON, $3::TIMESTAMP WITH TIME ZONE) "
            "ON CONFLICT (a) DO UPDATE SET g = excluded.g, at = excluded.at RETURNING a")


async def cpu_per_call(n: int, pace: float, call: Callable[[int], Awaitable[Any]]) -> float:
    """Microseconds of this process's CPU per call, the pause before each not counted."""
    spent = 0.0
    for i in range(n):
        if pace:
            await asyncio.sleep(pace)
        t = time.process_time()
        await call(i)
        spent += time.process_time() - t
    return spent / n * 1e6


async def main(url: str, n: int, pace: float) -> None:
    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    await conn.execute("CREATE TEMP TABLE t (a int PRIMARY KEY, g json, at timestamptz)")
    cursor = conn.cursor()

    async def via_cursor(i: int) -> None:
        now = datetime.datetime.now(datetime.UTC)
        await cursor.execute(UPSERT, {"a": i % 50, "g": json.dumps(["A"]), "at": now}, prepare=True)
        await cursor.fetchone()

    print(f"psycopg cursor, prepared: {await cpu_per_call(n, pace, via_cursor):.0f} µs of CPU per statement")

    pg = conn.pgconn
    pg.nonblocking = 1
    loop = asyncio.get_running_loop()
    waiter: list[asyncio.Future[pq.abc.PGresult | None]] = []
    last: list[pq.abc.PGresult | None] = [None]

    def readable() -> None:
        pg.consume_input()
        while waiter and not pg.is_busy():
            result = pg.get_result()
            if result is None:
                waiter.pop().set_result(last[0])
                return
            last[0] = result

    pg.send_prepare(b"s", PREPARED.encode())
    loop.add_reader(pg.socket, readable)

    async def exchange(send: Callable[[], None]) -> pq.abc.PGresult | None:
        future = loop.create_future()
        waiter.append(future)
        send()
        pg.flush()
        return await future

    await exchange(lambda: None)  # the PREPARE's result

    async def via_libpq(i: int) -> None:
        now = datetime.datetime.now(datetime.UTC).isoformat().encode()
        await exchange(lambda: pg.send_query_prepared(b"s", [str(i % 50).encode(), b'["A"]', now]))

    print(f"libpq, socket watched:   {await cpu_per_call(n, pace, via_libpq):.0f} µs of CPU per statement")
    loop.remove_reader(pg.socket)
    await conn.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", required=True, help="a libpq URL: postgresql://user:password@host/db")
    ap.add_argument("--statements", type=int, default=400)
    ap.add_argument("--pace", type=float, default=0.04, help="seconds before each statement (0: back to back)")
    args = ap.parse_args()
    uvloop.run(main(args.database_url, args.statements, args.pace))
