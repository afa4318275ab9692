"""``xuefa exam``: the organiser's actions on annual exams (the examinees sit them on /exam in a browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from quiz.bank.store import QuestionBank
from quiz.exam.models import ExamError, ExamInfo
from quiz.exam.service import CHINA_TZ, ExamService, Format, china_time
from quiz.people.models import AccountError, Scope
from xuefa.cli.common import failed, settings_of, write_file
from xuefa.services import accounts_service, exam_service, question_bank
from xuefa.settings import Settings

PAPER_SUFFIXES: dict[str, Format] = {".docx": "docx", ".pdf": "pdf"}
unit_option = click.option("--unit", default="", help="The unit that owns it (a unit of `xuefa users units`; "
                                                    "default: the city's).")
unit_filter = click.option("--unit", default="", help="Only those of this unit and the units below it.")


def unit_scope(settings: Settings, bank: QuestionBank, unit: str) -> Scope | None:
    """The units ``--unit`` names (the unit and those below it); None for every unit. An unknown unit is a
    command error."""
    if not unit.strip():
        return None
    try:
        return accounts_service(settings, bank).scope_of(unit)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def known_unit(settings: Settings, bank: QuestionBank, unit: str) -> str:
    """``--unit`` of a new exam or contest: a unit that exists, or ``""`` (the city's)."""
    unit_scope(settings, bank, unit)
    return unit


@contextmanager
def exam_actions(ctx: click.Context) -> Iterator[ExamService]:
    """The exam service over the question bank; its refusals (ExamError) become command errors."""
    settings = settings_of(ctx)
    with question_bank(settings) as bank:
        try:
            yield exam_service(settings, bank)
        except ExamError as exc:
            raise click.ClickException(str(exc)) from exc


def exam_id(exams: ExamService, exam: str) -> int:
    """EXAM as `xuefa exam list` shows it: the exam's number, or its six-digit exam code."""
    text = exam.strip()
    for info in exams.list_exams():
        if info.code == text:
            return info.id
    if not text.isdigit():
        raise click.ClickException(f"no exam numbered or coded {exam!r} (see `xuefa exam list`)")
    return exams.get_exam(int(text)).id


def read_blueprint(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text (a blueprint is YAML or JSON)") from exc
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read: {exc.strerror or exc}") from exc


def info_json(info: ExamInfo) -> dict[str, Any]:
    return {"id": info.id, "code": info.code, "title": info.title, "unit": info.unit, "status": info.status.value,
            "duration_min": info.duration_min, "variants": list(info.variants),
            "questions": info.question_count, "total_points": info.total_points, "roster": info.roster,
            "started": info.started, "submitted": info.submitted, "results_released": info.results_released,
            "starts_at": info.starts_at.isoformat() if info.starts_at else None,
            "ends_at": info.ends_at.isoformat() if info.ends_at else None}


def info_line(info: ExamInfo) -> str:
    papers = "、".join(info.variants) + " 卷" if info.variants else "未组卷"
    return (f"{info.id:>4}  {info.code}  {info.title}  {info.unit or '市级'}  {info.status_name}  {papers}  {info.question_count} 题 "
            f"{info.total_points:g} 分  {info.duration_min} 分钟  名单 {info.roster} 人  交卷 {info.submitted} 人")


@click.group()
def exam() -> None:
    """Annual exams: blueprint → papers → roster → open → close → report (examinees sit them on /exam)."""


blueprint_argument = click.argument("blueprint", type=click.Path(path_type=Path, exists=True, dir_okay=False))
variants_option = click.option("--variants", default=1, show_default=True, type=click.IntRange(1, 6),
                               help="Parallel papers (A/B …) that share no question.")


@exam.command("check")
@blueprint_argument
@variants_option
@click.pass_context
def exam_check(ctx: click.Context, blueprint: Path, variants: int) -> None:
    """What the bank lacks for a blueprint (YAML/JSON: items of type × law or chapter × difficulty × count,
    points per type, duration_min); exits 1 when it lacks something."""
    text = read_blueprint(blueprint)
    with exam_actions(ctx) as exams:
        try:
            shortfalls = exams.check_blueprint(text, variants)
        except ExamError as exc:
            raise failed(exc, blueprint) from exc
    for s in shortfalls:
        click.echo(s.message)
    if shortfalls:
        raise SystemExit(1)
    click.echo("题库够用。")


@exam.command("create")
@click.argument("title")
@click.option("--blueprint", "blueprint", required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="The blueprint file (YAML/JSON).")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]), default=None,
              help="No login before this time (Beijing time, e.g. '2026-03-02 09:00').")
@click.option("--ends", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]), default=None,
              help="No login after this time, and every sitting ends by it (Beijing time).")
@unit_option
@click.pass_context
def exam_create(ctx: click.Context, title: str, blueprint: Path, starts: datetime | None,
                ends: datetime | None, unit: str) -> None:
    """Create an exam from a blueprint; prints its number and six-digit exam code, and what the bank lacks."""
    text = read_blueprint(blueprint)
    with exam_actions(ctx) as exams:
        owner = known_unit(settings_of(ctx), exams.bank, unit)
        try:
            info = exams.create_exam(title, text, starts.replace(tzinfo=CHINA_TZ) if starts else None,
                                     ends.replace(tzinfo=CHINA_TZ) if ends else None, unit=owner)
        except ExamError as exc:
            raise failed(exc, blueprint) from exc
        shortfalls = exams.check_blueprint(text)
        plan = exams.blueprint(info.id)
    click.echo(f"created exam {info.id} “{info.title}”, exam code {info.code}: {plan.question_count} questions, "
               f"{plan.total_points:g} points, {info.duration_min} minutes; next: `xuefa exam assemble {info.id}`")
    for s in shortfalls:
        click.echo(s.message, err=True)


@exam.command("list")
@click.option("--json", "as_json", is_flag=True)
@unit_filter
@click.pass_context
def exam_list(ctx: click.Context, as_json: bool, unit: str) -> None:
    """The exams, newest first: number, exam code, title, unit, state, papers, roster and submissions."""
    with exam_actions(ctx) as exams:
        infos = exams.list_exams(unit_scope(settings_of(ctx), exams.bank, unit))
    if as_json:
        click.echo(json.dumps([info_json(i) for i in infos], ensure_ascii=False, indent=1))
        return
    for info in infos:
        click.echo(info_line(info))
    click.echo(f"{len(infos)} exams")


@exam.command("assemble")
@click.argument("exam")
@variants_option
@click.option("--seed", type=int, default=None, help="Random seed for a reproducible draw.")
@click.pass_context
def exam_assemble(ctx: click.Context, exam: str, variants: int, seed: int | None) -> None:
    """Draw the paper(s) from the bank by the exam's blueprint (refused once an examinee has started)."""
    with exam_actions(ctx) as exams:
        papers = exams.assemble(exam_id(exams, exam), variants=variants, seed=seed)
    for p in papers:
        click.echo(f"paper {p.variant}: {p.question_count} questions, {p.total_points:g} points")


@exam.command("roster")
@click.argument("exam")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.pass_context
def exam_roster(ctx: click.Context, exam: str, file: Path) -> None:
    """Replace the exam's roster with FILE (XLSX/CSV: 警号/执法证号/编号, 姓名, 单位)."""
    from quiz.exam.models import RosterError

    with exam_actions(ctx) as exams:
        try:
            report = exams.import_roster(exam_id(exams, exam), file)
        except RosterError as exc:
            raise failed(exc, file) from exc
    click.echo(f"{report.file}: {report.imported} examinees (identified by {report.id_column}), {report.units} units"
               + (f"; replaced {report.replaced}" if report.replaced else ""))


@exam.command("open")
@click.argument("exam")
@click.pass_context
def exam_open(ctx: click.Context, exam: str) -> None:
    """Let the examinees log in (on /exam with the exam code, 警号 and 姓名)."""
    with exam_actions(ctx) as exams:
        info = exams.open_exam(exam_id(exams, exam))
    click.echo(f"exam {info.id} is open: examinees open /exam and enter the code {info.code}")


@exam.command("close")
@click.argument("exam")
@click.pass_context
def exam_close(ctx: click.Context, exam: str) -> None:
    """No more logins; every sitting still running is submitted and graded."""
    with exam_actions(ctx) as exams:
        info = exams.close_exam(exam_id(exams, exam))
    click.echo(f"exam {info.id} is closed: {info.submitted} of {info.roster} examinees submitted")


@exam.command("unlock")
@click.argument("exam")
@click.argument("officer_id")
@click.pass_context
def exam_unlock(ctx: click.Context, exam: str, officer_id: str) -> None:
    """Let an examinee log in on another device (their answers and remaining time are kept)."""
    with exam_actions(ctx) as exams:
        exams.unlock_examinee(exam_id(exams, exam), officer_id)
    click.echo(f"unlocked {officer_id}")


@exam.command("release")
@click.argument("exam")
@click.option("--withdraw", is_flag=True, help="Take the released results back.")
@click.pass_context
def exam_release(ctx: click.Context, exam: str, withdraw: bool) -> None:
    """Release the results to the examinees (each sees their score, key and 解析 on /exam)."""
    with exam_actions(ctx) as exams:
        info = exams.release_results(exam_id(exams, exam), released=not withdraw)
    click.echo(f"exam {info.id}: results {'released' if info.results_released else 'withdrawn'}")


@exam.command("report")
@click.argument("exam")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def exam_report(ctx: click.Context, exam: str, as_json: bool) -> None:
    """The results: submissions, mean, pass rate, each unit and the weakest laws (`exam export` writes all of
    it as XLSX)."""
    with exam_actions(ctx) as exams:
        report = exams.report(exam_id(exams, exam))
    if as_json:
        click.echo(json.dumps({
            "exam": info_json(report.exam), "pass_mark": report.pass_mark, "submitted": report.submitted,
            "mean": report.mean, "highest": report.highest, "lowest": report.lowest, "pass_rate": report.pass_rate,
            "examinees": [{"officer_id": e.officer_id, "name": e.name, "unit": e.unit, "paper": e.variant,
                           "state": e.state, "score": e.score, "rank": e.rank, "passed": e.passed}
                          for e in report.examinees],
            "units": [{"unit": u.unit, "examinees": u.roster, "submitted": u.submitted, "mean": u.mean,
                       "pass_rate": u.pass_rate} for u in report.units],
            "weakest_laws": [{"law": w.law, "score_rate": w.score_rate} for w in report.weakest_laws],
        }, ensure_ascii=False, indent=1))
        return
    info = report.exam
    click.echo(info_line(info))
    if report.mean is None:
        click.echo("no examinee has submitted yet")
        return
    click.echo(f"submitted {report.submitted}, mean {report.mean:.1f}, highest {report.highest:g}, "
               f"lowest {report.lowest:g}, pass mark {report.pass_mark:g}, pass rate {report.pass_rate or 0:.0%}")
    for u in report.units:
        mean = "-" if u.mean is None else f"{u.mean:.1f}"
        click.echo(f"  {u.unit}: {u.submitted}/{u.roster} submitted, mean {mean}")
    if report.weakest_laws:
        click.echo("weakest laws: " + "、".join(f"{w.law} {w.score_rate:.0%}" for w in report.weakest_laws))


@exam.command("export")
@click.argument("exam")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help=".xlsx: the results (examinees, units, laws, questions); .docx/.pdf: the paper.")
@click.option("--variant", default="A", show_default=True, help="Which paper (A, B, …).")
@click.option("--key", is_flag=True, help="The paper's answer key (参考答案).")
@click.option("--explained", is_flag=True, help="The answers with 解析 and sources (答案与解析).")
@click.pass_context
def exam_export(ctx: click.Context, exam: str, out: Path, variant: str, key: bool, explained: bool) -> None:
    """Write the results (.xlsx) or a paper, its key or its 解析 (.docx/.pdf; the PDF embeds a CJK font)."""
    suffix = out.suffix.lower()
    if suffix != ".xlsx" and suffix not in PAPER_SUFFIXES:
        raise click.ClickException(f"{out}: export to .xlsx (results), .docx or .pdf (paper)")
    with exam_actions(ctx) as exams:
        number = exam_id(exams, exam)
        if suffix == ".xlsx":
            data = exams.export_results(number)
        else:
            data = exams.export_paper(number, variant.strip().upper(), PAPER_SUFFIXES[suffix],
                                      with_key=key or explained, with_explanations=explained)
    write_file(out, data)
    click.echo(f"wrote {out} ({len(data):,} bytes)")


@exam.command("audit")
@click.argument("exam")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
@click.pass_context
def exam_audit(ctx: click.Context, exam: str, limit: int) -> None:
    """The audit log, newest first: the organiser's actions, logins, submissions and refused requests."""
    with exam_actions(ctx) as exams:
        entries = exams.audit(exam_id(exams, exam), limit=limit)
    for e in entries:
        who = f" {e.officer_id}" if e.officer_id else ""
        client = f" [{e.client}]" if e.client else ""
        click.echo(f"{china_time(e.at)}  {e.action}{who}  {e.message}{client}")
