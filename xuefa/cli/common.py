"""What every command group shares: the settings of the root group, progress bars, errors as click's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kb.base import Progress as UnitProgress
from xuefa.settings import Settings

console = Console(stderr=True)


def settings_of(ctx: click.Context) -> Settings:
    """The settings the root group loaded (``--home``, ``--config``)."""
    return ctx.find_root().obj


@contextmanager
def progress_bars() -> Iterator[tuple[Progress, UnitProgress]]:
    """A rich progress display and a unit callback driving its second bar."""
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=False)
    unit_task = bars.add_task("articles", total=None, visible=False)

    def on_units(done: int, total: int, what: str) -> None:
        bars.update(unit_task, completed=done, total=total, description=f"  {what}", visible=True)

    with bars:
        yield bars, on_units


def failed(exc: Exception, path: Path | None = None) -> click.ClickException:
    """A service's refusal as a clean command error; ``path``: the file it is about, named first unless the
    message names it already."""
    message = str(exc)
    if path is not None and str(path) not in message and path.name not in message:
        message = f"{path}: {message}"
    return click.ClickException(message)


def write_file(path: Path, data: bytes) -> None:
    """Write an export, or fail naming the file."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write: {exc.strerror or exc}") from exc
