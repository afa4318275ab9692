"""Long work on a console that is not a terminal (a service's log) prints steady lines, not a silent bar."""

import io

from rich.console import Console

from xuefa.progress import ProgressLines, show_progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_lines_come_at_the_first_report_then_every_interval_and_at_the_end() -> None:
    clock, lines = Clock(), []
    report = ProgressLines("导入", lines.append, interval=10, clock=clock)
    for done in range(0, 101):
        clock.now = done * 0.5          # 50 s in all
        report(done, 100, "中华人民共和国公路法")
    report.finish()
    assert lines[0] == "导入 0/100 (0%) 中华人民共和国公路法"
    assert len(lines) == 6              # at 0, 10, 20, 30 and 40 s, and the end at 50 s
    assert lines[-1] == "导入 100/100 (100%) 中华人民共和国公路法"
    assert "约剩 40 秒" in lines[1]      # 20 of 100 done in 10 s


def test_work_that_stops_short_prints_where_it_stopped_once() -> None:
    clock, lines = Clock(), []
    report = ProgressLines("补齐向量", lines.append, interval=10, clock=clock)
    report(1, 50, "a")
    clock.now = 3
    report(7, 50, "b")
    report.finish()
    report.finish()
    assert lines == ["补齐向量 1/50 (2%) a", "补齐向量 7/50 (14%) b，约剩 18 秒"]


def test_a_console_that_is_no_terminal_gets_lines() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    with show_progress("导入", console, interval=0) as report:
        report(1, 2, "公路法")
        report(2, 2, "道路运输条例")
    assert out.getvalue().splitlines() == ["导入 1/2 (50%) 公路法", "导入 2/2 (100%) 道路运输条例"]
