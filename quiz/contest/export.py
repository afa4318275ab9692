"""A contest's results as XLSX (sheets 总分, 答题记录, 分数调整, 抢答记录) or one CSV table.

答题记录 has one row per answer (a question nobody answered, or a voided one, has one row too): the round,
the question with its options, key and source, the team, what it answered, the automatic and the final
judgement, whether the host overrode it, the stake and the points. CSV files are UTF-8 with a BOM so that
Excel opens them as such; the CSV holds the 答题记录 rows, then one row per adjustment (its reason under
说明) and per team total, told apart by the 记录 column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from quiz.contest.machine import Contest
from quiz.contest.model import ROUND_KIND_NAMES, BuzzOutcome
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question
from quiz.source import citation_label

ANSWER_COLUMNS = (
    "题序", "轮次", "轮次类型", "题型", "法律", "题干", "选项", "正确答案", "出处", "解析",
    "队伍", "风险分值", "作答", "自动判定", "最终判定", "主持人改判", "得分", "时间",
)
SCORE_COLUMNS = ("名次", "队伍", "得分", "答对", "答错", "调整合计")
ADJUST_COLUMNS = ("时间", "队伍", "调整分值", "原因")
PRESS_COLUMNS = ("题序", "第几次开放", "队伍", "结果", "开放后用时(毫秒)", "落后首位(毫秒)")
CSV_COLUMNS = ("记录", *ANSWER_COLUMNS, "说明")

PRESS_NAMES = {BuzzOutcome.WON.value: "抢到", BuzzOutcome.LATE.value: "慢于首位"}


def stamp(at: float) -> str:
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S")


def key_text(q: Question) -> str:
    if q.type in ("single", "multi"):
        return str(q.answer)
    if q.type == "judge":
        return "正确" if q.answer is True else "错误"
    return str(q.answer)


def given_text(q: Question, given: object) -> str:
    if isinstance(given, bool):
        return "正确" if given else "错误"
    if isinstance(given, list | tuple):
        return "".join(str(g) for g in given)
    return str(given or "") or "（未作答）"


def verdict(value: bool | None) -> str:
    return "—" if value is None else ("正确" if value else "错误")


def answer_rows(c: Contest) -> Iterator[list[str | int]]:
    for a in c.asked:
        q = a.question
        spec = c.rounds[a.round]
        head: list[str | int] = [
            a.number, spec.title, ROUND_KIND_NAMES[spec.kind], QUESTION_TYPE_NAMES.get(q.type, q.type), q.law,
            q.stem, "\n".join(f"{k}. {q.options[k]}" for k in LETTERS if k in q.options), key_text(q),
            "；".join(f"《{s.law}》{citation_label(s)}" for s in q.sources), q.explanation,
        ]
        stake: str | int = a.stake if a.stake is not None else ""
        if a.voided:
            yield [*head, "", stake, "", "", f"作废：{a.voided}", "", 0, stamp(a.shown_at)]
            continue
        if not a.attempts:
            yield [*head, "", stake, "", "", "无人抢答" if a.team is None else "未作答", "", 0, stamp(a.shown_at)]
            continue
        for x in a.attempts:
            yield [*head, c.teams[x.team].name, stake, given_text(q, x.given), verdict(x.auto), verdict(x.correct),
                   "是" if x.overridden else "", x.points, stamp(x.at)]


def score_rows(c: Contest) -> list[list[str | int]]:
    return [[s.rank, s.name, s.score, s.right, s.wrong, s.adjusted] for s in c.scores()]


def adjustment_rows(c: Contest) -> list[list[str | int]]:
    return [[stamp(j.at), c.teams[j.team].name, j.delta, j.reason] for j in c.adjustments]


def press_rows(c: Contest) -> list[list[str | int]]:
    return [
        [a.number, p.window, c.teams[p.team].name, PRESS_NAMES.get(p.outcome.value, p.outcome.value),
         p.after_open_ms if p.outcome == BuzzOutcome.WON else "", p.behind_ms if p.outcome == BuzzOutcome.LATE else ""]
        for a in c.asked for p in a.presses
    ]


def export_xlsx(c: Contest, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheets = [
        ("总分", SCORE_COLUMNS, score_rows(c), {"B": 20}),
        ("答题记录", ANSWER_COLUMNS, list(answer_rows(c)), {"B": 14, "E": 24, "F": 50, "G": 30, "I": 30, "J": 50,
                                                        "K": 14, "M": 16, "R": 20}),
        ("分数调整", ADJUST_COLUMNS, adjustment_rows(c), {"A": 20, "B": 16, "D": 50}),
        ("抢答记录", PRESS_COLUMNS, press_rows(c), {"C": 16, "E": 16, "F": 16}),
    ]
    for i, (title, columns, rows, widths) in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    info = book.create_sheet("竞赛信息")
    info.append(["竞赛名称", c.name])
    info.append(["竞赛编号", c.code])
    info.append(["创建时间", stamp(c.created_at)])
    info.append(["导出时间", stamp(c.clock.wall())])
    info.append(["队伍", "、".join(t.name for t in c.teams)])
    info.column_dimensions["B"].width = 40
    book.save(str(path))


def export_csv(c: Contest, path: Path) -> None:
    def row(kind: str, **cells: str | int) -> list[str | int]:
        return [kind, *(cells.get(name, "") for name in CSV_COLUMNS[1:])]

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for answer in answer_rows(c):
            writer.writerow(["答题", *answer, ""])
        for j in c.adjustments:
            writer.writerow(row("分数调整", 队伍=c.teams[j.team].name, 得分=j.delta, 时间=stamp(j.at), 说明=j.reason))
        for s in c.scores():
            writer.writerow(row("总分", 队伍=s.name, 得分=s.score, 说明=f"第 {s.rank} 名"))
