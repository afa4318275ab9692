"""Progress of long work: a bar on a terminal, steady log lines elsewhere (a service's journal, a pipe, a file).

Both are driven by a ``kb.base.Progress`` callback, ``(done, total, what)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kb.base import Progress as UnitProgress


class ProgressLines:
    """A ``kb.base.Progress`` that prints one line at the first report, then at most one every ``interval``
    seconds, and one at the end: done/total, the share, what is being worked on and the time left."""

    def __init__(self, label: str, write: Callable[[str], None], interval: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.write = write
        self.interval = interval
        self.clock = clock
        self.started: float | None = None
        self.last_line: float | None = None
        self.last: tuple[int, int, str] | None = None
        self.printed: tuple[int, int, str] | None = None

    def __call__(self, done: int, total: int, what: str) -> None:
        now = self.clock()
        if self.started is None:
            self.started = now
        self.last = (done, total, what)
        finished = total > 0 and done >= total
        if self.last_line is None or now - self.last_line >= self.interval or finished:
            self.emit(now)

    def emit(self, now: float) -> None:
        if self.last is None or self.last == self.printed:
            return
        self.last_line = now
        self.printed = self.last
        self.write(self.line(*self.last, now))

    def line(self, done: int, total: int, what: str, now: float) -> str:
        if total <= 0:
            return f"{self.label} {done} {what}".rstrip()
        share = done / total
        text = f"{self.label} {done}/{total} ({share:.0%}) {what}".rstrip()
        elapsed = now - (self.started if self.started is not None else now)
        if 0 < done < total and elapsed > 0:
            left = elapsed * (total - done) / done
            text += f"，约剩 {left / 60:.0f} 分钟" if left >= 90 else f"，约剩 {left:.0f} 秒"
        return text

    def finish(self) -> None:
        """Print the last report if it was not printed yet."""
        self.emit(self.clock())


@contextmanager
def show_progress(label: str, console: Console, interval: float = 10.0) -> Iterator[UnitProgress]:
    """A bar on a terminal (drawn from the first report), log lines on anything else."""
    if not console.is_terminal:
        lines = ProgressLines(label, lambda text: console.print(text, highlight=False, soft_wrap=True), interval)
        try:
            yield lines
        finally:
            lines.finish()
        return
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=False)
    task = bars.add_task(label, total=None)
    started = False

    def update(done: int, total: int, what: str) -> None:
        nonlocal started
        if not started:
            bars.start()
            started = True
        bars.update(task, completed=done, total=total, description=f"{label} {what[:24]}")

    try:
        yield update
    finally:
        if started:
            bars.stop()
