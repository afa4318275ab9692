"""Exam reports as data: per examinee, per unit, per law, per question, the score distribution and the
weakest laws.

Only submitted sittings count in statistics. Facility of a question = share of its takers (examinees of
its paper) who got it right (unanswered counts as wrong). Discrimination index = facility in the upper
27% minus facility in the lower 27% of its takers ranked by score share (at least one examinee per group;
``None`` with fewer than two takers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from quiz.exam.models import ExamInfo

GROUP_SHARE = 0.27
BINS = 10
WEAKEST = 5


@dataclass(frozen=True)
class Taker:
    """One roster entry and their sitting (if any)."""

    officer_id: str
    name: str
    unit: str
    variant: str = ""
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    submitted_by: str = ""
    score: float | None = None


@dataclass(frozen=True)
class PaperItem:
    eq: int
    variant: str
    number: int
    bank_id: int | None
    type: str
    type_name: str
    law: str
    stem: str
    points: float


@dataclass(frozen=True)
class Mark:
    officer_id: str
    eq: int
    earned: float
    correct: bool


@dataclass(frozen=True)
class ExamineeLine:
    officer_id: str
    name: str
    unit: str
    variant: str
    state: str  # 未登录 / 答题中 / 已交卷
    score: float | None
    total: float
    rank: int | None
    passed: bool | None
    started_at: datetime | None
    submitted_at: datetime | None
    submitted_by: str


@dataclass(frozen=True)
class UnitLine:
    unit: str
    roster: int
    submitted: int
    mean: float | None
    highest: float | None
    lowest: float | None
    pass_rate: float | None


@dataclass(frozen=True)
class LawLine:
    law: str
    questions: int
    answers: int  # takers × questions
    facility: float  # share right
    score_rate: float  # points earned / points possible


@dataclass(frozen=True)
class QuestionLine:
    variant: str
    number: int
    bank_id: int | None
    type: str
    type_name: str
    law: str
    stem: str
    points: float
    takers: int
    correct: int
    facility: float | None
    discrimination: float | None
    mean_earned: float | None


@dataclass(frozen=True)
class ScoreBin:
    label: str
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class ExamReport:
    exam: ExamInfo
    pass_mark: float
    examinees: tuple[ExamineeLine, ...]
    units: tuple[UnitLine, ...]
    laws: tuple[LawLine, ...]
    questions: tuple[QuestionLine, ...]
    distribution: tuple[ScoreBin, ...]
    weakest_laws: tuple[LawLine, ...]
    submitted: int
    mean: float | None
    highest: float | None
    lowest: float | None
    pass_rate: float | None


def discrimination(rows: Sequence[tuple[float, bool]]) -> float | None:
    """``rows``: (examinee's score share, right on this question). Upper minus lower 27% facility."""
    if len(rows) < 2:
        return None
    ranked = sorted(rows, key=lambda r: -r[0])
    n = max(1, round(GROUP_SHARE * len(ranked)))
    upper, lower = ranked[:n], ranked[-n:]
    return sum(r[1] for r in upper) / n - sum(r[1] for r in lower) / n


def build_report(exam: ExamInfo, takers: Sequence[Taker], paper: Sequence[PaperItem], marks: Sequence[Mark],
                 pass_share: float) -> ExamReport:
    totals: dict[str, float] = defaultdict(float)
    for item in paper:
        totals[item.variant] += item.points
    total = exam.total_points
    pass_mark = round(total * pass_share, 2)
    done = [t for t in takers if t.submitted_at is not None and t.score is not None]
    share = {t.officer_id: (t.score or 0.0) / (totals[t.variant] or 1.0) for t in done}
    finished = set(share)
    scores = sorted((t.score or 0.0 for t in done), reverse=True)

    examinees = tuple(
        ExamineeLine(
            t.officer_id, t.name, t.unit, t.variant, _state(t), t.score, totals.get(t.variant, total),
            (scores.index(t.score) + 1) if t.officer_id in finished and t.score is not None else None,
            (t.score >= totals[t.variant] * pass_share) if t.officer_id in finished and t.score is not None
            else None,
            t.started_at, t.submitted_at, t.submitted_by,
        )
        for t in sorted(takers, key=lambda t: (t.submitted_at is None, -(t.score or 0.0), t.officer_id))
    )

    by_unit: dict[str, list[Taker]] = defaultdict(list)
    for t in takers:
        by_unit[t.unit or "（未填单位）"].append(t)
    units = []
    for unit, members in by_unit.items():
        got = [t.score or 0.0 for t in members if t.officer_id in finished]
        passed = [t for t in members if t.officer_id in finished and (t.score or 0.0) >= totals[t.variant] * pass_share]
        units.append(UnitLine(unit, len(members), len(got), _mean(got), max(got) if got else None,
                              min(got) if got else None, len(passed) / len(got) if got else None))
    units.sort(key=lambda u: (u.mean is None, -(u.mean or 0.0), u.unit))

    mark_of = {(m.officer_id, m.eq): m for m in marks}
    takers_of: dict[str, list[Taker]] = defaultdict(list)
    for t in done:
        takers_of[t.variant].append(t)
    questions = []
    law_acc: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0, 0])  # qs, right, earned, possible, n
    for item in paper:
        rows: list[tuple[float, bool]] = []
        earned_sum = 0.0
        for t in takers_of[item.variant]:
            m = mark_of.get((t.officer_id, item.eq))
            right, earned = (m.correct, m.earned) if m is not None else (False, 0.0)
            rows.append((share[t.officer_id], right))
            earned_sum += earned
        n_right = sum(r[1] for r in rows)
        questions.append(QuestionLine(
            item.variant, item.number, item.bank_id, item.type, item.type_name, item.law, item.stem, item.points,
            len(rows), n_right, n_right / len(rows) if rows else None, discrimination(rows),
            earned_sum / len(rows) if rows else None,
        ))
        acc = law_acc[item.law or "（未标注法律）"]
        acc[0] += 1
        acc[1] += n_right
        acc[2] += earned_sum
        acc[3] += item.points * len(rows)
        acc[4] += len(rows)
    laws = tuple(sorted(
        (LawLine(law, int(a[0]), int(a[4]), a[1] / a[4] if a[4] else 0.0, a[2] / a[3] if a[3] else 0.0)
         for law, a in law_acc.items()),
        key=lambda x: x.law,
    ))
    weakest = tuple(sorted((x for x in laws if x.answers), key=lambda x: (x.score_rate, x.law))[:WEAKEST])
    got = [t.score or 0.0 for t in done]
    passed_all = [t for t in done if (t.score or 0.0) >= totals[t.variant] * pass_share]
    return ExamReport(
        exam=exam,
        pass_mark=pass_mark,
        examinees=examinees,
        units=tuple(units),
        laws=laws,
        questions=tuple(questions),
        distribution=distribution(got, total),
        weakest_laws=weakest,
        submitted=len(done),
        mean=_mean(got),
        highest=max(got) if got else None,
        lowest=min(got) if got else None,
        pass_rate=len(passed_all) / len(done) if done else None,
    )


def distribution(scores: Sequence[float], total: float, bins: int = BINS) -> tuple[ScoreBin, ...]:
    """Counts in ``bins`` equal ranges of the full score; the last range includes the full score."""
    if total <= 0:
        return ()
    width = total / bins
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(s // width)))] += 1
    return tuple(
        ScoreBin(f"{_num(i * width)}–{_num((i + 1) * width)}", i * width, (i + 1) * width, counts[i])
        for i in range(bins)
    )


def _state(t: Taker) -> str:
    if t.submitted_at is not None:
        return "已交卷"
    return "答题中" if t.started_at is not None else "未登录"


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _num(value: float) -> str:
    return f"{round(value, 1):g}"
