"""``xuefa contest``: knowledge contests prepared and archived from a terminal (the host runs them live in the
app's 竞赛 tab, the projector and the teams' phones in a browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from quiz.contest.model import ContestError
from quiz.contest.service import ContestNotFound, ContestService
from xuefa.cli.bank import TYPES
from xuefa.cli.common import failed, settings_of
from xuefa.cli.exam import known_unit, unit_filter, unit_option, unit_scope
from xuefa.services import contest_service, question_bank

DEFAULT_TYPES = ("single", "multi", "judge")


@contextmanager
def contest_actions(ctx: click.Context) -> Iterator[ContestService]:
    """The contest service over the question bank; its refusals (ContestError) become command errors."""
    settings = settings_of(ctx)
    with question_bank(settings) as bank:
        try:
            yield contest_service(settings, bank)
        except ContestError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group()
def contest() -> None:
    """Knowledge contests: create one, see its teams' codes and scores, export its results."""


@contest.command("list")
@click.option("--json", "as_json", is_flag=True)
@unit_filter
@click.pass_context
def contest_list(ctx: click.Context, as_json: bool, unit: str) -> None:
    """The contests, the most recently changed first: code, name, unit, phase, teams, rounds."""
    with contest_actions(ctx) as contests:
        summaries = contests.contests(unit_scope(settings_of(ctx), contests.bank, unit))
    if as_json:
        click.echo(json.dumps([{"code": c.code, "name": c.name, "unit": c.unit, "phase": c.phase.value, "teams": c.teams,
                                "rounds": c.rounds, "updated_at": c.updated_at.isoformat()} for c in summaries],
                              ensure_ascii=False, indent=1))
        return
    for c in summaries:
        click.echo(f"{c.code}  {c.name}  {c.unit or '市级'}  {c.phase_name}  {c.teams} teams  {c.rounds} rounds")
    click.echo(f"{len(summaries)} contests")


@contest.command("create")
@click.argument("name")
@click.option("--team", "teams", multiple=True, required=True, help="A team's name (repeatable, at least two).")
@click.option("--required", default=2, show_default=True, type=click.IntRange(0, 20),
              help="必答 questions per team (0: no such round).")
@click.option("--buzz", default=10, show_default=True, type=click.IntRange(0, 100),
              help="抢答 questions in all (0: no such round).")
@click.option("--risk", default=1, show_default=True, type=click.IntRange(0, 10),
              help="风险题 per team (0: no such round).")
@click.option("--law", "laws", multiple=True, help="Draw questions of these laws only (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(TYPES),
              help="Only these types (repeatable; default: single, multi, judge, as in the 竞赛 tab).")
@unit_option
@click.pass_context
def contest_create(ctx: click.Context, name: str, teams: tuple[str, ...], required: int, buzz: int, risk: int,
                   laws: tuple[str, ...], types: tuple[str, ...], unit: str) -> None:
    """Create a contest of the usual rounds (points, answer time and stakes from the quiz settings); prints its
    code (the projector opens /contest/screen/<code>) and each team's buzzer code (phones open /contest/buzz)."""
    from quiz.contest.model import QuestionPick
    from quiz.models import question_type

    pick = QuestionPick(tuple(laws), tuple(question_type(t) for t in types or DEFAULT_TYPES))
    with contest_actions(ctx) as contests:
        owner = known_unit(settings_of(ctx), contests.bank, unit)
        created = contests.create_standard(name, teams, required, buzz, risk, pick, unit=owner)
    click.echo(f"created contest {created.code} “{created.name}”: {len(created.rounds)} rounds")
    for team in created.teams:
        click.echo(f"  {team.name}: buzzer code {team.code}")


@contest.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def contest_show(ctx: click.Context, code: str, as_json: bool) -> None:
    """A contest's phase, rounds, teams with their buzzer codes, and the scores."""
    with contest_actions(ctx) as contests:
        host = contests.host(code)
    screen = host.screen
    if as_json:
        click.echo(json.dumps({
            "code": screen.code, "name": screen.name, "phase": screen.phase.value,
            "rounds": [{"title": r.title, "kind": r.kind.value, "planned": r.planned, "asked": r.asked}
                       for r in host.rounds],
            "teams": [{"name": t.name, "code": t.code} for t in host.teams],
            "scores": [{"team": s.name, "score": s.score, "rank": s.rank, "right": s.right, "wrong": s.wrong,
                        "adjusted": s.adjusted} for s in screen.scores],
        }, ensure_ascii=False, indent=1))
        return
    click.echo(f"{screen.code}  {screen.name}  {screen.phase_name}")
    for r in host.rounds:
        click.echo(f"  {r.title}: {r.asked}/{r.planned} asked")
    codes = {t.index: t.code for t in host.teams}
    for s in screen.scores:
        click.echo(f"  {s.rank}. {s.name}  {s.score} points ({s.right} right, {s.wrong} wrong)  "
                   f"buzzer code {codes.get(s.team, '-')}")


@contest.command("export")
@click.argument("code")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help=".xlsx (a sheet each: scores, answers, adjustments, buzzer presses) or .csv (one table).")
@click.pass_context
def contest_export(ctx: click.Context, code: str, out: Path) -> None:
    """Write a contest's results: every question, answer, judgement and score, the adjustments, the presses."""
    with contest_actions(ctx) as contests:
        try:
            contests.export(code, out)
        except OSError as exc:
            raise click.ClickException(f"{out}: cannot write: {exc.strerror or exc}") from exc
        except ContestNotFound as exc:
            raise click.ClickException(str(exc)) from exc
        except ContestError as exc:
            raise failed(exc, out) from exc
    click.echo(f"wrote {out}")


@contest.command("delete")
@click.argument("code")
@click.pass_context
def contest_delete(ctx: click.Context, code: str) -> None:
    """Delete a contest and its record."""
    with contest_actions(ctx) as contests:
        contests.delete(code)
    click.echo(f"deleted contest {code}")
