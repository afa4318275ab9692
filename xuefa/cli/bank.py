"""``xuefa bank``: the question bank behind practice, exams and contests (list, import, export, review)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

import click

from quiz.bank.store import QuestionBank, QuestionFilter
from quiz.models import QUESTION_TYPE_NAMES, Question, QuestionType, ReviewStatus, question_type
from xuefa.cli.common import failed, settings_of
from xuefa.services import open_services, question_bank

TYPES = list(get_args(QuestionType))
STATUSES = [s.value for s in ReviewStatus]
STATUS_NAMES = {"draft": "待审", "approved": "已审核", "rejected": "已驳回"}


def filter_options(command: click.decorators.FC) -> click.decorators.FC:
    """``--law``, ``--type``, ``--status`` and ``--review``: which questions of the bank."""
    for option in reversed((
        click.option("--law", "laws", multiple=True, help="Only questions of these laws (repeatable)."),
        click.option("--type", "types", multiple=True, type=click.Choice(TYPES),
                     help="Only these question types (repeatable)."),
        click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
                     help="Only questions of these review states (repeatable)."),
        click.option("--review", "needs_review", is_flag=True, default=None,
                     help="Only questions flagged for review (their article changed; see `xuefa bank recheck`)."),
    )):
        command = option(command)
    return command


def question_filter(laws: Sequence[str], types: Sequence[str], statuses: Sequence[str],
                    needs_review: bool | None) -> QuestionFilter:
    return QuestionFilter(laws=tuple(laws), types=tuple(question_type(t) for t in types),
                          statuses=tuple(ReviewStatus(s) for s in statuses), needs_review=needs_review)


def question_line(q: Question) -> str:
    flag = f"  [复核：{q.needs_review}]" if q.needs_review else ""
    return (f"{q.id:>6}  {QUESTION_TYPE_NAMES.get(q.type, q.type)}  {STATUS_NAMES.get(q.status.value, q.status.value)}"
            f"  {q.law or '-'}  {q.stem[:60]}{flag}")


@click.group()
def bank() -> None:
    """The question bank behind practice, exams and contests: list, import, export, approve."""


@bank.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the questions in full, as JSON.")
@click.pass_context
def bank_list(ctx: click.Context, laws: tuple[str, ...], types: tuple[str, ...], statuses: tuple[str, ...],
              needs_review: bool | None, limit: int | None, as_json: bool) -> None:
    """The questions of the bank (id, type, review state, law, stem)."""
    where = question_filter(laws, types, statuses, needs_review)
    with question_bank(settings_of(ctx)) as store:
        questions = store.list(where, limit=limit)
        total = store.count(where)
    if as_json:
        click.echo(json.dumps([q.to_json() for q in questions], ensure_ascii=False, indent=1))
        return
    for q in questions:
        click.echo(question_line(q))
    click.echo(f"{total} questions" + (f" ({len(questions)} shown)" if len(questions) < total else ""))


@bank.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--check/--no-check", default=True, show_default=True,
              help="Look each 出处 up in the knowledge base (its full title, and the article's text hash, so "
                   "that `xuefa bank recheck` flags the question when the article changes); --no-check keeps the "
                   "sources as written.")
@click.option("--approve", is_flag=True, help="Store the questions as approved (reviewed already), not as drafts.")
@click.pass_context
def bank_import(ctx: click.Context, file: Path, check: bool, approve: bool) -> None:
    """Import questions from an exam-system sheet (XLSX/CSV: 题型, 题干, 选项A…F, 答案, 解析, 出处, 难度)."""
    from quiz.bank.exchange import ExchangeError, import_questions
    from quiz.source import ArticleIndex

    settings = settings_of(ctx)
    try:
        if check:
            with open_services(settings) as services:
                assert services.bank is not None
                questions = import_questions(file, ArticleIndex.from_source(services.kb), settings.ingest.limits)
                added = _add(services.bank, questions, approve)
        else:
            questions = import_questions(file, None, settings.ingest.limits)
            with question_bank(settings) as store:
                added = _add(store, questions, approve)
    except ExchangeError as exc:
        raise failed(exc, file) from exc
    state = "approved" if approve else "drafts"
    click.echo(f"{file.name}: {len(questions)} questions read, {added} new in the bank ({state})")


def _add(store: QuestionBank, questions: list[Question], approve: bool) -> int:
    if approve:
        questions = [q.with_status(ReviewStatus.APPROVED) for q in questions]
    before = store.count()
    store.add(questions)
    return store.count() - before


@bank.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@filter_options
@click.pass_context
def bank_export(ctx: click.Context, file: Path, laws: tuple[str, ...], types: tuple[str, ...],
                statuses: tuple[str, ...], needs_review: bool | None) -> None:
    """Export questions to FILE (.xlsx or .csv, the columns `xuefa bank import` reads)."""
    from quiz.bank.exchange import ExchangeError, export_questions

    where = question_filter(laws, types, statuses, needs_review)
    with question_bank(settings_of(ctx)) as store:
        questions = store.list(where)
    try:
        written = export_questions(questions, file)
    except ExchangeError as exc:
        raise failed(exc, file) from exc
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot write: {exc.strerror or exc}") from exc
    click.echo(f"{written} questions written to {file}")


def _review(ctx: click.Context, ids: tuple[int, ...], status: ReviewStatus) -> None:
    with question_bank(settings_of(ctx)) as store:
        known = {q.id for q in store.list(QuestionFilter(ids=ids)) if q.id is not None}
        changed = store.set_status(sorted(known), status)
    unknown = [str(i) for i in ids if i not in known]
    click.echo(f"{'approved' if status == ReviewStatus.APPROVED else 'rejected'} {changed} questions")
    if unknown:
        raise click.ClickException(f"no question with id {', '.join(unknown)} in the bank")


@bank.command("approve")
@click.argument("ids", nargs=-1, required=True, type=int)
@click.pass_context
def bank_approve(ctx: click.Context, ids: tuple[int, ...]) -> None:
    """Approve questions by id (exams draw approved questions only, unless the blueprint allows drafts)."""
    _review(ctx, ids, ReviewStatus.APPROVED)


@bank.command("reject")
@click.argument("ids", nargs=-1, required=True, type=int)
@click.pass_context
def bank_reject(ctx: click.Context, ids: tuple[int, ...]) -> None:
    """Reject questions by id (kept, but never drawn for practice, exams or contests)."""
    _review(ctx, ids, ReviewStatus.REJECTED)


@bank.command("recheck")
@click.pass_context
def bank_recheck(ctx: click.Context) -> None:
    """Flag the questions whose article changed or left the knowledge base since they were made (after
    ingesting a new version of a law); approved ones go back to draft."""
    with open_services(settings_of(ctx)) as services:
        assert services.bank is not None
        flagged = services.bank.mark_changed(services.kb)
        waiting = services.bank.count(QuestionFilter(needs_review=True))
    click.echo(f"{len(flagged)} questions newly flagged for review; {waiting} await review "
               "(`xuefa bank list --review`)")


@bank.command("calibrate")
@click.option("--min-answers", type=click.IntRange(min=2), default=None,
              help="Answers a question needs before its difficulty is set from them (default: quiz.calibration_min_answers).")
@click.option("--json", "as_json", is_flag=True, help="Print every answered question's evidence and the changes, as JSON.")
@click.pass_context
def bank_calibrate(ctx: click.Context, min_answers: int | None, as_json: bool) -> None:
    """Set difficulty from how officers answered (practice first answers and exams): facility 80%+ → 1,
    50–80% → 2, under 50% → 3; flag questions whose discrimination is negative for review."""
    from quiz.exam.evidence import calibrate

    settings = settings_of(ctx)
    with question_bank(settings) as store:
        result = calibrate(store, min_answers or settings.quiz.calibration_min_answers)
    if as_json:
        click.echo(json.dumps({
            "min_answers": result.min_answers,
            "calibrated": result.calibrated,
            "evidence": [{"id": e.question_id, "answers": e.answers, "correct": e.correct,
                          "facility": round(e.facility, 4),
                          "discrimination": None if e.discrimination is None else round(e.discrimination, 4)}
                         for e in result.evidence],
            "changed": [{"id": c.question_id, "before": c.before, "after": c.after} for c in result.changed],
            "flagged": [{"id": f.question_id, "reason": f.reason} for f in result.flagged],
            "cleared": list(result.cleared),
        }, ensure_ascii=False, indent=1))
        return
    click.echo(f"{len(result.evidence)} questions answered, {result.calibrated} with at least "
               f"{result.min_answers} answers; difficulty changed for {len(result.changed)}")
    for c in result.changed:
        click.echo(f"{c.question_id:>6}  难度 {c.before} → {c.after}  (答对率 {c.evidence.facility:.0%}，"
                   f"{c.evidence.answers} 人次)")
    click.echo(f"{len(result.flagged)} questions newly flagged for review (negative discrimination)")
    for f in result.flagged:
        click.echo(f"{f.question_id:>6}  {f.reason}")
    if result.cleared:
        click.echo(f"{len(result.cleared)} flags lifted: {', '.join(map(str, result.cleared))}")
