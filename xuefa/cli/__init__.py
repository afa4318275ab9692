"""The ``xuefa`` command: one click group over the services of ``xuefa.services``, one module per group of
commands (``knowledge``: ingest, import, remove, laws, search, show, eval, ask; ``memory``; ``quiz``; ``bank``;
``practice``; ``exam``; ``contest``; ``users``; ``hours``)."""

from __future__ import annotations

from pathlib import Path

import click

from xuefa.cli.bank import bank
from xuefa.cli.common import settings_of
from xuefa.cli.contest import contest
from xuefa.cli.exam import exam
from xuefa.cli.hours import hours
from xuefa.cli.knowledge import COMMANDS
from xuefa.cli.memory import memory
from xuefa.cli.practice import practice
from xuefa.cli.quiz import quiz
from xuefa.cli.users import users
from xuefa.settings import SettingsError, load_settings


@click.group()
@click.option("--home", type=click.Path(path_type=Path), envvar="XUEFA_HOME",
              help="Knowledge-base folder (default: $XUEFA_HOME or ~/.local/share/xuefa).")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Settings YAML (default: <home>/settings.yaml).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, config: Path | None) -> None:
    """学法通 xuefa: legal study, Q&A and exams for transport law-enforcement officers."""
    try:
        ctx.obj = load_settings(home=home, config=config)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes serving the exam and contest routes beside the app (PostgreSQL only; "
                   "behind a reverse proxy, see docs/deployment.md).")
@click.option("--worker-port", default=None, type=int, help="Port of those processes (default: --port + 1).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, worker_port: int | None) -> None:
    """Serve the app (loads the starter corpus on the first start with an empty knowledge base)."""
    from xuefa.app.startup import launch
    from xuefa.web.workers import WorkersNeedPostgres, require_postgres

    settings = settings_of(ctx)
    try:
        require_postgres(settings, workers)
    except WorkersNeedPostgres as exc:
        raise click.ClickException(str(exc)) from exc
    config = ctx.parent.params.get("config") if ctx.parent is not None else None
    launch(settings, host=host, port=port, workers=workers, worker_port=worker_port, config=config)


for command in (*COMMANDS, memory, quiz, bank, practice, exam, contest, users, hours):
    cli.add_command(command)

__all__ = ["cli"]
