"""``build_server``: the FastAPI root of ``xuefa serve``; ``run_server``: uvicorn on host:port.

Pages that are not Gradio (an examinee's exam, the contest's big screen and buzzers) are plain HTML and
JavaScript served from ``xuefa/web/static`` and talk to JSON routes: they must stay light for hundreds of
phones at once and keep working when Gradio's queue is busy. Every router is added before Gradio is
mounted at ``/`` (a mount at ``/`` swallows every path registered after it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr
import uvicorn
from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from xuefa.web.paths import STATIC_DIR, STATIC_PATH

log = logging.getLogger(__name__)



def build_server(demo: gr.Blocks, routers: Sequence[APIRouter] = (), gradio_options: dict[str, Any] | None = None
                 ) -> FastAPI:
    """The app: ``routers`` first, the static pages, then ``demo`` at ``/`` with ``gradio_options``
    (theme, CSS, JS and the offline switches of ``xuefa.app.ui.launch_options``)."""
    app = FastAPI(title="学法通", docs_url=None, redoc_url=None, openapi_url=None)
    for router in routers:
        app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="xuefa-static")
    return gr.mount_gradio_app(app, demo, path="/", **(gradio_options or {}))


@dataclass
class RunningServer:
    """A server started in a background thread (tests, ``block=False``)."""

    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def run_server(app: FastAPI, host: str, port: int, block: bool = True, quiet: bool = False
               ) -> RunningServer | None:
    """Serve ``app``; with ``block=False`` return once it accepts connections."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning" if quiet else "info",
                            access_log=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    if block:
        server.run()
        return None
    thread = threading.Thread(target=server.run, name=f"xuefa-server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server on {host}:{port} did not start")
        time.sleep(0.05)
    return RunningServer(server, thread, f"http://{host}:{port}/")
