"""The supervisor of ``xuefa serve --workers N``: N worker processes of ``xuefa.web.workers`` on one socket,
a dead one replaced at once. Run as ``python -m xuefa.web.supervisor --workers N --host H --port P``.

uvicorn's own ``--workers`` supervisor serves the same workers (docs/deployment.md), but it restarts for ever a
worker whose app raises while starting (a wrong setting: exit 1), it notices a dead worker only at its next
round of health-check pings (every 0.5 s, a thread in each worker answers), and its server ticks ten times a
second: an idle worker woke ~14 times a second and cost 3.1–3.3 ms of CPU per second. Here the supervisor
sleeps until a signal — SIGCHLD (a worker ended: replaced at once; one that never started stops the
supervisor, exit 1), SIGTERM or SIGINT (every worker is stopped) — and a worker's server ticks once a second
(``QuietServer``): 1.1–1.3 ms per idle worker-second. A paced save alone costs a little more that way (a
worker woken less often pays more per request: 0.82–0.88 against 0.75–0.78 ms), a whole exam less (1,500
examinees on 4 workers: 1.70 against 1.84 ms of server CPU per save; docs/benchmarks.md, issue 14).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import os
import select
import signal
import socket
import sys
from collections.abc import Sequence
from multiprocessing.context import SpawnProcess
from types import FrameType

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("uvicorn.error")

APP = "xuefa.web.workers:build_worker_app"
TICK_S = 1.0
"""How often an idle worker's server wakes: the Date header is refreshed and ``should_exit`` read (a stop is
noticed within this)."""
SAFETY_WAKE_S = 30.0
"""The supervisor looks at its workers at least this often, even without a signal."""

spawn = multiprocessing.get_context("spawn")


class QuietServer(uvicorn.Server):
    """uvicorn's server ticking once a second instead of ten times."""

    async def main_loop(self) -> None:
        ticks = 0
        while not await self.on_tick(ticks * 10):  # a multiple of 10: the Date header is refreshed each tick
            ticks = (ticks + 1) % 86400
            await asyncio.sleep(TICK_S)


def run_worker(config: uvicorn.Config, sockets: list[socket.socket]) -> None:
    """A worker process's body (multiprocessing's spawn: it starts from a fresh interpreter). A worker whose app
    fails before serving (it cannot be imported, its factory raised: settings, database) exits with uvicorn's
    ``STARTUP_FAILURE``, so the supervisor stops instead of starting it again and again."""
    config.configure_logging()
    server = QuietServer(config)
    try:
        server.run(sockets=sockets)
    except SystemExit as e:  # uvicorn's own exit when the app cannot be imported is 1
        if server.started or e.code in (0, None):
            raise
        sys.exit(STARTUP_FAILURE)
    except Exception:
        if server.started:
            raise
        log.exception("the worker failed to start")
        sys.exit(STARTUP_FAILURE)


class Supervisor:
    def __init__(self, config: uvicorn.Config, workers: int) -> None:
        self.config = config
        self.count = workers
        self.workers: list[SpawnProcess] = []
        self.stopping = False
        self.failed = False

    def run(self) -> int:
        """Serve until SIGTERM or SIGINT; 0, or 1 when a worker could not start (nothing is restarted then)."""
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        old_wakeup = signal.set_wakeup_fd(wake_write.fileno())
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)}
        sock = self.config.bind_socket()
        try:
            log.info("Started supervisor process [%d]", os.getpid())
            self.workers = [self._start(sock) for _ in range(self.count)]
            while not self.stopping:
                select.select([wake_read], [], [], SAFETY_WAKE_S)
                with contextlib.suppress(BlockingIOError):
                    while wake_read.recv(512):
                        pass
                if not self.stopping:
                    self._replace_dead(sock)
        finally:
            self._stop_all()
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(old_wakeup)
            wake_read.close()
            wake_write.close()
            sock.close()
        return 1 if self.failed else 0

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum in (signal.SIGTERM, signal.SIGINT):
            self.stopping = True  # SIGCHLD only wakes the loop (the wake-up fd)

    def _start(self, sock: socket.socket) -> SpawnProcess:
        process = spawn.Process(target=run_worker, kwargs={"config": self.config, "sockets": [sock]})
        process.start()
        return process

    def _replace_dead(self, sock: socket.socket) -> None:
        for i, process in enumerate(self.workers):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker [%s] failed to start; stopping", process.pid)
                self.failed = self.stopping = True
                return
            self.workers[i] = self._start(sock)
            log.warning("worker [%s] ended (exit code %s); started worker [%s]", process.pid, process.exitcode,
                        self.workers[i].pid)

    def _stop_all(self) -> None:
        for process in self.workers:
            if process.is_alive() and process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        grace = (self.config.timeout_graceful_shutdown or 0) + 5
        for process in self.workers:
            process.join(grace)
            if process.is_alive():
                process.kill()
                process.join()
        log.info("Stopped supervisor process [%d]", os.getpid())


def worker_config(host: str, port: int, keep_alive_s: int, log_level: str | None = None,
                  graceful_s: int = 5) -> uvicorn.Config:
    return uvicorn.Config(APP, factory=True, host=host, port=port, access_log=False, log_level=log_level,
                          timeout_keep_alive=keep_alive_s, timeout_graceful_shutdown=graceful_s)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m xuefa.web.supervisor", description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--keep-alive-s", type=int, default=75, help="seconds an idle connection is kept open")
    ap.add_argument("--log-level", default=None, help="uvicorn's log level (default: info)")
    ap.add_argument("--timeout-graceful-shutdown", type=int, default=5)
    args = ap.parse_args(argv)
    if args.workers < 1:
        ap.error("--workers must be at least 1")
    config = worker_config(args.host, args.port, args.keep_alive_s, args.log_level, args.timeout_graceful_shutdown)
    return Supervisor(config, args.workers).run()


if __name__ == "__main__":
    sys.exit(main())
