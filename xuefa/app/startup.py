"""``launch(settings)``: open the knowledge base (loading the starter corpus on a first start), warm up
the models, build the services (``xuefa.services``) and serve the app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from kb.base import KnowledgeBase
from kb.base import Progress as UnitProgress
from xuefa.progress import show_progress
from xuefa.services import Services, build_services, open_kb
from xuefa.settings import Settings

log = logging.getLogger(__name__)
console = Console(stderr=True)

WARM_UP_QUESTION = "扣押车辆最长能扣多少天？"


@contextmanager
def console_progress(label: str) -> Iterator[UnitProgress]:
    """A bar on a terminal, log lines every 10 s in a service's log."""
    with show_progress(label, console) as report:
        yield report


def ensure_corpus(kb: KnowledgeBase) -> int:
    """On an empty knowledge base, import the starter laws; returns how many documents were added."""
    if kb.documents():
        return 0
    from corpus.starter import import_laws

    console.print("知识库为空：正在导入内置法律（首次启动，需要几分钟）…")
    with console_progress("导入") as progress:
        outcomes = import_laws(kb, progress=progress)
    console.print(f"已导入 {len(outcomes)} 部法律，{sum(o.units for o in outcomes)} 条。")
    return len(outcomes)


def warm_up(services: Services) -> float:
    """Load the tokenizer, the embedding model and the indexes (the penalty references too) once, before the
    first officer asks."""
    started = time.perf_counter()
    try:
        services.kb.search(WARM_UP_QUESTION, k=3)
        services.kb.references()
    except Exception:  # a failed warm-up only costs the first question some time
        log.exception("warm-up search failed")
    return time.perf_counter() - started


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860, workers: int = 1,
           worker_port: int | None = None, config: Path | None = None) -> None:
    """Serve the app until interrupted (``xuefa serve``); with ``workers`` > 1 (PostgreSQL only) also that many
    processes serving the exam and contest routes on ``worker_port`` (default ``port`` + 1), behind a reverse
    proxy (docs/deployment.md)."""
    from xuefa.web.workers import start_workers, stop_workers

    if workers <= 1:
        _launch_app(settings, host, port)
        return
    worker_port = worker_port or port + 1
    supervisor = start_workers(settings, config, host, worker_port, workers)
    console.print(f"{workers} 个考试/竞赛进程：http://{host}:{worker_port}（/exam、/api/exam、/contest、/api/contest）")
    try:
        _launch_app(settings, host, port)
    finally:
        stop_workers(supervisor)


def _launch_app(settings: Settings, host: str, port: int) -> None:
    from xuefa.app.ui import build_app, serve
    from xuefa.web.routes import build_routers

    with console_progress("补齐向量") as progress:
        kb = open_kb(settings, progress)
    try:
        ensure_corpus(kb)
        services = build_services(settings, kb)
        try:
            seconds = warm_up(services)
            console.print(f"模型已就绪（{seconds:.1f} 秒）。学法通：http://{host}:{port}")
            serve(build_app(services), host=host, port=port, block=True, routers=build_routers(services))
        finally:
            services.close()
    finally:
        kb.close()
