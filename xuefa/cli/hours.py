"""``xuefa hours``: the 学时 rules, offline activities, reports and the yearly plan.

The command acts as a trusted local city administrator (``CLI_ACTOR``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import click

from quiz.exam.exports import find_cjk_font
from quiz.exam.models import FontMissing
from quiz.hours.activities import ActivityError, ActivityImportError
from quiz.hours.models import CityReport, OfficerYear, Source, UnitReport
from quiz.hours.rules import RulesError
from quiz.hours.service import Hours
from quiz.people.models import AccessDenied, Actor, Role, Scope
from quiz.sheets import SheetError
from xuefa.cli.common import failed, settings_of, write_file
from xuefa.cli.users import command_client
from xuefa.services import accounts_service, hours_service, question_bank

CLI_ACTOR = Actor(account_id=0, login="cli", name="命令行", role=Role.CITY_ADMIN, unit="", scope=Scope.everything())


@contextmanager
def hours_actions(ctx: click.Context) -> Iterator[Hours]:
    """The 学时 service over the question bank's database, its actions in the accounts' audit as ``cli``
    from this host; its refusals become command errors."""
    settings = settings_of(ctx)
    with question_bank(settings) as bank:
        accounts = accounts_service(settings, bank)
        client = command_client()
        service = hours_service(settings, bank, accounts).recording(
            lambda actor, action, target, detail: accounts.record(actor, action, target, detail, client))
        try:
            yield service
        except (ActivityError, ActivityImportError, RulesError, SheetError, AccessDenied, FontMissing) as exc:
            raise click.ClickException(str(exc)) from exc


def plain(value: Any) -> Any:
    """A report as JSON-ready data: dataclasses as objects, enums as their values, dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=1)


def this_year(hours: Hours) -> int:
    return hours.today().year


@click.group()
def hours() -> None:
    """Training records (学时): reports per officer, unit and city; activities; the plan."""


@hours.command("rules")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show_rules(ctx: click.Context, year: int | None, as_json: bool) -> None:
    """The rules in force for a year (what counts, how much, caps, the target)."""
    with hours_actions(ctx) as service:
        rules = service.rules(year or this_year(service))
    if as_json:
        click.echo(rules.to_json())
        return
    for name, value in rules.model_dump().items():
        click.echo(f"{name}: {value}")


@hours.command("set-rules")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.pass_context
def set_rules(ctx: click.Context, file: Path, year: int | None) -> None:
    """Set a year's rules from a JSON file (fields left out keep their defaults)."""
    from quiz.hours.rules import HoursRules

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise failed(exc, file) from exc
    with hours_actions(ctx) as service:
        rules = HoursRules.parse(text, file.name)
        the_year = year or this_year(service)
        service.set_rules(CLI_ACTOR, the_year, rules)
    click.echo(f"{the_year} 年学时规则已更新")


@hours.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_context
def import_activities(ctx: click.Context, file: Path) -> None:
    """Import an activity sheet (XLSX/CSV): 警号, 姓名, 活动类型, 活动名称, 日期, 学时, 证明材料, 单位."""
    settings = settings_of(ctx)
    with hours_actions(ctx) as service:
        activities, attendances = service.import_activities(CLI_ACTOR, file, settings.ingest.limits)
    click.echo(f"{file.name}: {activities} 项活动，{attendances} 人次")


@hours.command("refresh")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.pass_context
def refresh(ctx: click.Context, year: int | None) -> None:
    """Compute the practice summaries of every officer whose answers changed (e.g. nightly, so that the
    reports of the day find nothing to compute)."""
    with hours_actions(ctx) as service:
        computed = service.refresh(year or this_year(service))
    click.echo(f"{computed} 名人员的练习学时已重新计算")


@hours.command("rotation-exam")
@click.argument("activity", type=int)
@click.argument("exam", type=int)
@click.pass_context
def rotation_exam(ctx: click.Context, activity: int, exam: int) -> None:
    """Follow a 轮训 (ACTIVITY) by its 考核验收 exam (EXAM): its pass list joins the records."""
    with hours_actions(ctx) as service:
        service.set_rotation_exam(CLI_ACTOR, activity, exam)
    click.echo(f"轮训 {activity} 的考核验收考试：{exam}")


def officer_text(report: OfficerYear) -> list[str]:
    o = report.officer
    lines = [f"{o.officer_id} {o.name}（{o.unit}）{report.year} 年：{report.total:g} / {report.target:g} 学时",
             "  " + "，".join(f"{s.label} {report.by_source[s]:g}" for s in Source),
             "  每月：" + " ".join(f"{m:g}" for m in report.by_month)]
    lines += [f"  {e.day} {e.source.label} {e.title} {e.hours:g}" + (f"（考核{e.exam.label}）" if e.exam else "")
              for e in report.entries if e.source is not Source.PRACTICE]
    return lines


def unit_text(report: UnitReport) -> list[str]:
    lines = [f"{report.unit} {report.year} 年：{len(report.officers)} 人，人均 {report.mean:.1f} 学时，"
             f"达标 {report.at_target}，进度正常 {report.on_track}（应达 {report.expected_now:g}）"]
    lines += [f"  {a.kind.value}：{a.state.label}" for a in report.yearly_activities]
    lines += [f"  领导学法 {ls.officer.name}：" + " ".join(q.label for q in ls.quarters) for ls in report.leaders]
    lines += [f"  {o.officer.officer_id} {o.officer.name} {o.officer.unit} {o.total:g}"
              f"{'' if o.on_track else ' 落后'}" for o in report.officers]
    return lines


def city_text(report: CityReport) -> list[str]:
    lines = [f"{report.year} 年全市（目标 {report.target:g} 学时，按进度应达 {report.expected_now:g}）"]
    lines += [f"  {u.unit}：{u.officers} 人，人均 {u.mean:g}，达标 {u.share_at_target:.0%}，"
              f"进度正常 {u.share_on_track:.0%}，未开展 {'、'.join(u.activities_missing) or '无'}"
              for u in report.units]
    return lines


@hours.command("report")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--unit", default=None, help="A unit's report (its officers and those of the units below it).")
@click.option("--officer", default=None, help="One officer's year (警号).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def report(ctx: click.Context, year: int | None, unit: str | None, officer: str | None, as_json: bool) -> None:
    """An officer's year (--officer), a unit's (--unit), or the city's units side by side."""
    if unit and officer:
        raise click.UsageError("--unit and --officer: give one of them")
    with hours_actions(ctx) as service:
        the_year = year or this_year(service)
        result: OfficerYear | UnitReport | CityReport
        if officer:
            result = service.officer_year(officer, the_year)
        elif unit:
            result = service.unit_report(CLI_ACTOR, unit, the_year)
        else:
            result = service.city_report(CLI_ACTOR, the_year)
    if as_json:
        click.echo(dumps(result))
        return
    lines = (officer_text(result) if isinstance(result, OfficerYear) else
             unit_text(result) if isinstance(result, UnitReport) else city_text(result))
    click.echo("\n".join(lines))


@hours.command("export")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--unit", default=None, help="One unit (and the units below it); default: every unit.")
@click.option("--xlsx", "out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.pass_context
def export(ctx: click.Context, year: int | None, unit: str | None, out: Path) -> None:
    """The year's records as XLSX: officers, units, the yearly activities."""
    with hours_actions(ctx) as service:
        data = service.records_xlsx(CLI_ACTOR, year or this_year(service), unit)
    write_file(out, data)
    click.echo(f"wrote {out}")


@hours.command("pdf")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--unit", required=True)
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def pdf(ctx: click.Context, year: int | None, unit: str, out: Path) -> None:
    """A unit's one-page PDF summary."""
    settings = settings_of(ctx)
    with hours_actions(ctx) as service:
        data = service.unit_pdf(CLI_ACTOR, year or this_year(service), unit, find_cjk_font(settings.quiz.exam_pdf_font))
    write_file(out, data)
    click.echo(f"wrote {out}")


@hours.command("plan")
@click.option("--year", type=int, default=None, help="Default: this year.")
@click.option("--unit", default=None, help="The unit the plan is for; default: the city's.")
@click.option("--docx", "out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.pass_context
def plan(ctx: click.Context, year: int | None, unit: str | None, out: Path) -> None:
    """The yearly training plan as DOCX, drafted from the year's rules."""
    with hours_actions(ctx) as service:
        data = service.plan_docx(CLI_ACTOR, year or this_year(service), unit)
    write_file(out, data)
    click.echo(f"wrote {out}")
