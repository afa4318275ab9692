"""Difficulty from evidence and the application share of a blueprint (issue 15), measured.

    PYTHONPATH=. python scripts/bench_calibrate.py                      # SQLite scratch file
    PYTHONPATH=. python scripts/bench_calibrate.py --database-url postgresql+psycopg://xuefa:xuefa@127.0.0.1:5432/xuefa

1. **Blueprint share.** ``--count`` questions generated over ``../shared/corpus`` (seed ``--seed``, no LLM) go
   into a scratch bank, approved; per type, how many are situation items (generator ``*.situation*``), and
   an exam blueprint (单选 20, 多选 10, 判断 10, 填空 10) with ``application_share`` 0.4, 0.8 and 1.0 is
   assembled with one, two and three parallel papers: each paper's share of situation items per type, or the
   refusal's words.
2. **Calibration.** Simulated officers answer the bank's questions as practice (first answers) and sit an
   exam. Each officer has an ability θ ~ N(0, 1); each question a planted level 1/2/3 (logit difficulty
   −2 / −0.6 / +1, slope 1.5: expected facility about 0.89 / 0.68 / 0.27), and ``--miskeyed`` of them a wrong key (the better officers are marked wrong:
   slope −1.5). The *true band* of a question is the band of its expected facility over these officers.
   Printed: the questions calibrated, how many got their true band, how many miskeyed questions were
   flagged and how many sound ones were flagged by mistake, and the time ``calibrate`` takes.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from quiz.bank.evidence import NEGATIVE_DISCRIMINATION, difficulty_from_facility
from quiz.bank.store import QuestionBank
from quiz.db import AttemptRow
from quiz.exam.evidence import calibrate
from quiz.exam.models import BlueprintShortfall
from quiz.exam.service import ExamService
from quiz.exam.tables import AnswerRow, ExamQuestionRow, ExamRow, SittingRow
from quiz.generation.generate import generate
from quiz.generation.situations import is_situation
from quiz.models import Question, ReviewStatus
from quiz.settings import QuizSettings
from quiz.source import ArticleIndex
from scripts.bench_quiz import DEFAULT_CORPUS, load_source
from scripts.scratch_db import drop_database, scratch_database

EXAM = {"单选": 20, "多选": 10, "判断": 10, "填空": 10}
TYPE_KEYS = {"单选": "single", "多选": "multi", "判断": "judge", "填空": "blank"}
SHARES = (0.4, 0.8, 1.0)
LOGIT_DIFFICULTY = {1: -2.0, 2: -0.6, 3: 1.0}  # expected facility about 0.89 / 0.68 / 0.27: inside the bands
SLOPE = 1.5
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def scratch_url(server: str) -> tuple[str, str]:
    """A fresh database: a SQLite file, or a new database on the given PostgreSQL server (its URL twice: the
    second is what ``drop`` takes, empty for SQLite)."""
    if not server:
        folder = Path(tempfile.mkdtemp(prefix="xuefa-calibrate-"))
        return f"sqlite:///{folder / 'bank.sqlite'}", ""
    url = scratch_database(server, "xf_bench_calibrate")
    return url, url


def drop(server: str, url: str) -> None:
    if server and url:
        drop_database(server, url)


def blueprint_share(bank: QuestionBank, questions: list[Question]) -> None:
    print("## Blueprint application share\n")
    print("| type | questions | situation items | share |")
    print("| --- | --- | --- | --- |")
    for name, qtype in TYPE_KEYS.items():
        of_type = [q for q in questions if q.type == qtype]
        cases = sum(is_situation(q.generator) for q in of_type)
        print(f"| {name} | {len(of_type)} | {cases} | {cases / max(1, len(of_type)):.0%} |")
    exams = ExamService(bank, QuizSettings())
    print("\n| application_share | papers | result | situation share per paper (单选/多选/判断/填空) |")
    print("| --- | --- | --- | --- |")
    for share in SHARES:
        for variants in (1, 2, 3):
            blueprint = {"application_share": share, "items": [{"type": t, "count": n} for t, n in EXAM.items()]}
            info = exams.create_exam(f"应用题占比 {share}", blueprint)
            try:
                papers = exams.assemble(info.id, variants=variants, seed=1)
            except BlueprintShortfall as e:
                print(f"| {share:.0%} | {variants} | refused: {'；'.join(s.message for s in e.shortfalls)} | |")
                continue
            shares = []
            for paper in papers:
                by_type: dict[str, list[bool]] = defaultdict(list)
                for entry in exams.paper_questions(info.id, paper.variant):
                    found = bank.get(entry.question.id or 0)
                    by_type[entry.question.type].append(found is not None and is_situation(found.generator))
                shares.append("/".join(f"{sum(v) / len(v):.0%}" for v in (by_type[t] for t in TYPE_KEYS.values())))
            print(f"| {share:.0%} | {variants} | assembled | {' ; '.join(shares)} |")
    print()


def chance(theta: float, level: int, miskeyed: bool) -> float:
    slope = -SLOPE if miskeyed else SLOPE
    return 1 / (1 + math.exp(-slope * (theta - LOGIT_DIFFICULTY[level])))


def simulate(bank: QuestionBank, ids: list[int], officers: int, per_officer: int, sitters: int, miskeyed: int,
             rng: random.Random) -> tuple[dict[int, int], set[int], dict[int, float], int]:
    """Practice first answers and one exam; returns planted levels, the miskeyed ids, the expected facility
    of each question over the officers, and the number of answers written."""
    levels = {qid: rng.choice((1, 2, 3)) for qid in ids}
    wrong = set(rng.sample(ids, miskeyed))
    thetas = [rng.gauss(0, 1) for _ in range(officers)]
    expected = {qid: sum(chance(t, levels[qid], qid in wrong) for t in thetas) / officers for qid in ids}
    rows = []
    for n, theta in enumerate(thetas):
        for k, qid in enumerate(rng.sample(ids, min(per_officer, len(ids)))):
            right = rng.random() < chance(theta, levels[qid], qid in wrong)
            rows.append({"user_id": f"officer{n}", "question_id": qid, "given": right, "correct": right,
                         "answered_at": T0 + timedelta(minutes=k)})
    with bank.session() as s, s.begin():
        for start in range(0, len(rows), 5000):
            s.execute(insert(AttemptRow), rows[start : start + 5000])
    paper = rng.sample(ids, min(50, len(ids)))
    with bank.session() as s, s.begin():
        exam = ExamRow(code="BENCH1", title="模拟考试", blueprint={}, duration_min=60, secret="x")
        s.add(exam)
        s.flush()
        eqs = [ExamQuestionRow(exam_id=exam.id, variant="A", position=i, question_id=qid, type="single",
                               points=1.0, snapshot={}) for i, qid in enumerate(paper, start=1)]
        s.add_all(eqs)
        s.flush()
        answers = 0
        for n in range(sitters):
            theta = thetas[n % officers]
            marks = [rng.random() < chance(theta, levels[eq.question_id or 0], eq.question_id in wrong) for eq in eqs]
            sitting = SittingRow(exam_id=exam.id, officer_id=f"e{n}", name=f"e{n}", variant="A", layout=[],
                                 started_at=T0, ends_at=T0 + timedelta(hours=1), submitted_at=T0 + timedelta(minutes=55),
                                 score=float(sum(marks)))
            s.add(sitting)
            s.flush()
            s.execute(insert(AnswerRow), [{"sitting_id": sitting.id, "exam_question_id": eq.id, "given": m,
                                            "saved_at": T0, "earned": float(m), "correct": m}
                                           for eq, m in zip(eqs, marks, strict=True)])
            answers += len(eqs)
    return levels, wrong, expected, len(rows) + answers


def calibration(bank: QuestionBank, args: argparse.Namespace) -> None:
    ids = [q.id for q in bank.list() if q.id is not None]
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    levels, wrong, expected, written = simulate(bank, ids, args.officers, args.per_officer, args.sitters,
                                                args.miskeyed, rng)
    t_write = time.perf_counter() - t0
    print(f"## Calibration ({len(ids)} questions; {args.officers} officers × {args.per_officer} practice first "
          f"answers, {args.sitters} exam sittings of 50 questions: {written} answers, written in {t_write:.1f} s)\n")
    print("| min answers | calibrated | true band (expected facility) | miskeyed flagged | sound flagged | "
          "calibrate time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for minimum in args.min_answers:
        with bank.session() as s, s.begin():
            s.execute(text("UPDATE quiz_questions SET needs_review = '', difficulty = 2"))
        t0 = time.perf_counter()
        result = calibrate(bank, minimum)
        elapsed = time.perf_counter() - t0
        enough = [e for e in result.evidence if e.answers >= minimum]
        right_band = sum(difficulty_from_facility(e.facility) == difficulty_from_facility(expected[e.question_id])
                         for e in enough)
        flagged = {q.id for q in bank.list() if q.needs_review.startswith(NEGATIVE_DISCRIMINATION)}
        calibrated_wrong = [e.question_id for e in enough if e.question_id in wrong]
        sound = len(enough) - len(calibrated_wrong)
        print(f"| {minimum} | {len(enough)} | {right_band}/{len(enough)} = {right_band / max(1, len(enough)):.1%} | "
              f"{len(flagged & wrong)}/{len(calibrated_wrong)} | {len(flagged - wrong)}/{sound} | {elapsed:.2f} s |")
    answers = Counter(min(e.answers // 10 * 10, 100) for e in result.evidence)
    print(f"\nanswers per question (tens, capped at 100): {dict(sorted(answers.items()))}")
    print(f"planted levels: {dict(Counter(levels.values()))}; true bands: "
          f"{dict(Counter(difficulty_from_facility(f) for f in expected.values()))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--kb-home", default="", help="a knowledge-base folder instead of the Markdown corpus")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (a scratch database, dropped after)")
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--per-officer", type=int, default=20)
    parser.add_argument("--sitters", type=int, default=300)
    parser.add_argument("--miskeyed", type=int, default=10)
    parser.add_argument("--min-answers", type=int, nargs="+", default=[30, 60])
    args = parser.parse_args()
    if not Path(args.corpus).is_dir() and not args.kb_home:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    index = ArticleIndex.from_source(load_source(args))
    questions = [replace(q, status=ReviewStatus.APPROVED) for q in generate(index, args.count, seed=args.seed)]
    url, name = scratch_url(args.database_url)
    bank = QuestionBank(url)
    try:
        bank.add(questions)
        print(f"# Calibration benchmark ({len(questions)} questions, seed {args.seed}, "
              f"{'PostgreSQL' if name else 'SQLite'})\n")
        blueprint_share(bank, questions)
        calibration(bank, args)
    finally:
        bank.close()
        drop(args.database_url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
