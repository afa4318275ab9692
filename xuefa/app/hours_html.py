"""HTML of the 学时 tab: one officer's year, a unit's report, the units side by side, the refused rows of an
activity sheet. Charts are CSS bars (no plotting library, nothing fetched); each chart carries its figures
as text for a screen reader.

Every name, title and unit goes through ``esc``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from quiz.hours.models import (
    CityReport,
    Due,
    Entry,
    NextSteps,
    OfficerLine,
    OfficerYear,
    Source,
    UnitReport,
)

MONTHS = tuple(f"{m}月" for m in range(1, 13))
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
ENTRIES_SHOWN = 40
"""An officer's newest entries listed; the rest are counted."""
OFFICERS_SHOWN = 300
"""A unit's officers listed on the page (those behind first); the XLSX export holds every one."""
DUE_CLASS = {Due.DONE: "xf-done", Due.MISSING: "xf-missing", Due.UPCOMING: "xf-upcoming"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def hours_text(value: float) -> str:
    """学时 as people write them: 12, 12.5, 0.02."""
    return f"{round(value, 2):g}"


def share(value: float, whole: float) -> float:
    """``value`` as a percentage of ``whole``, within 0–100."""
    return 0.0 if whole <= 0 else max(0.0, min(100.0, 100.0 * value / whole))


def progress_bar(total: float, target: float, label: str = "年度学时") -> str:
    pct = share(total, target)
    done = " xf-progress-done" if total >= target else ""
    return (f'<div class="xf-progress{done}" role="progressbar" aria-label="{esc(label)}" aria-valuemin="0" '
            f'aria-valuemax="{hours_text(target)}" aria-valuenow="{hours_text(total)}">'
            f'<span style="width:{pct:.1f}%"></span></div>')


def row_bars(rows: Sequence[tuple[str, float, str]], scale: float, label: str, mark: float | None = None) -> str:
    """A horizontal bar chart: (name, value, shown text) per row, bars relative to ``scale``; ``mark``: a
    vertical line at that value (the target, or where one should be by now)."""
    marker = (f'<i class="xf-mark" style="left:{share(mark, scale):.1f}%"></i>' if mark is not None else "")
    lines = "".join(
        f'<div class="xf-hbar-row"><span class="xf-hbar-name">{esc(name)}</span>'
        f'<span class="xf-hbar-track"><span class="xf-hbar-fill" style="width:{share(value, scale):.1f}%"></span>'
        f'{marker}</span><span class="xf-hbar-value">{esc(shown)}</span></div>'
        for name, value, shown in rows
    )
    spoken = "；".join(f"{name} {shown}" for name, _, shown in rows)
    return f'<div class="xf-hbars" role="img" aria-label="{esc(label)}：{esc(spoken)}">{lines}</div>'


def column_chart(columns: Sequence[tuple[str, float]], label: str, unit: str = "学时",
                 marks: Sequence[float] | None = None, floor: float = 1e-9) -> str:
    """A column chart: (name, value) per column; ``marks``: a level per column (where one should be);
    ``floor``: the least value the full height stands for (a few minutes of practice is no full column)."""
    top = max([v for _, v in columns] + list(marks or ()) + [floor])
    cells = []
    for i, (name, value) in enumerate(columns):
        mark = (f'<i class="xf-level" style="bottom:{share(marks[i], top):.1f}%"></i>'
                if marks is not None else "")
        value_text = hours_text(value) if value else ""
        cells.append(f'<div class="xf-col"><span class="xf-col-value">{esc(value_text)}</span>'
                     f'<span class="xf-col-track"><span class="xf-col-fill" style="height:{share(value, top):.1f}%">'
                     f'</span>{mark}</span><span class="xf-col-name">{esc(name)}</span></div>')
    spoken = "；".join(f"{name} {hours_text(value)}{unit}" for name, value in columns)
    return f'<div class="xf-cols" role="img" aria-label="{esc(label)}：{esc(spoken)}">{"".join(cells)}</div>'


def section(title: str, body: str, extra_class: str = "") -> str:
    return f'<section class="xf-hsec {extra_class}"><h3 class="xf-hsec-title">{esc(title)}</h3>{body}</section>'


# one officer ------------------------------------------------------------------------------------------------


def next_steps_html(steps: NextSteps, today: date | None = None) -> str:
    if steps.hours_to_go <= 0:
        return '<p class="xf-ok">本年度学时已达标，继续保持。</p>'
    items = [f"<li>还差 <b>{hours_text(steps.hours_to_go)}</b> 学时。</li>"]
    if steps.practice_left_today > 0:
        items.append(f"<li>今天在线练习还可计 {hours_text(steps.practice_left_today)} 学时（按答题的有效时长计）。</li>")
    if steps.checklist_not_mastered and steps.checklist_item_hours > 0:
        items.append(f"<li>应知应会还有 {steps.checklist_not_mastered} 项未掌握，每掌握一项计 "
                     f"{hours_text(steps.checklist_item_hours)} 学时。</li>")
    if steps.exam_hours > 0:
        items.append(f"<li>每参加一场考试（交卷）计 {hours_text(steps.exam_hours)} 学时。</li>")
    for up in steps.upcoming:
        items.append(f"<li>{esc(up.day.isoformat())} 本单位{esc(up.kind.value)}：{esc(up.title)}</li>")
    return f'<ul class="xf-next">{"".join(items)}</ul>'


def entry_line(entry: Entry) -> str:
    what = entry.kind.value if entry.kind is not None else entry.source.label
    exam = f"（考核{esc(entry.exam.label)}）" if entry.exam is not None else ""
    return (f'<tr><td class="xf-nowrap">{esc(entry.day.strftime("%m-%d"))}</td><td>{esc(what)}</td>'
            f'<td>{esc(entry.title)}{exam}</td><td class="xf-num">{hours_text(entry.hours)}</td></tr>')


def entries_html(entries: Sequence[Entry]) -> str:
    if not entries:
        return '<p class="xf-hint">本年度还没有学时记录。在线练习、考试、应知应会和单位组织的活动都会计入。</p>'
    newest = sorted(entries, key=lambda e: e.day, reverse=True)
    more = len(newest) - ENTRIES_SHOWN
    note = f'<p class="xf-hint">共 {len(newest)} 条，只列出最近 {ENTRIES_SHOWN} 条。</p>' if more > 0 else ""
    rows = "".join(entry_line(e) for e in newest[:ENTRIES_SHOWN])
    return (f'<table class="xf-htable"><thead><tr><th>日期</th><th>类别</th><th>内容</th><th>学时</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>{note}")


def officer_year_html(year: OfficerYear) -> str:
    """The officer's year: total against the target, by source and by month, what counts next, the entries."""
    o = year.officer
    left = year.target - year.total
    state = (f"还差 {hours_text(left)} 学时" if left > 0 else "已达到年度目标")
    head = (f'<div class="xf-hours-head"><p class="xf-hours-who">{esc(o.name)} · 警号 {esc(o.officer_id)}'
            f'{" · " + esc(o.unit) if o.unit else ""}</p>'
            f'<p class="xf-hours-total" id="xf-hours-total"><b>{hours_text(year.total)}</b> / '
            f'{hours_text(year.target)} 学时 <span class="xf-hint">（{year.year} 年，{esc(state)}）</span></p>'
            f"{progress_bar(year.total, year.target)}</div>")
    sources = [(s.label, year.by_source.get(s, 0.0), hours_text(year.by_source.get(s, 0.0))) for s in Source]
    by_source = row_bars(sources, max(year.target, year.total), "按来源的学时")
    by_month = column_chart(list(zip(MONTHS, year.by_month, strict=True)), "各月学时", floor=year.target / 12)
    return (f'<div class="xf-hours" id="xf-hours-officer">{head}'
            + section("下一步", next_steps_html(year.next))
            + section("按来源", by_source)
            + section("按月份", by_month)
            + section("学时明细", entries_html(year.entries)) + "</div>")


# a unit -----------------------------------------------------------------------------------------------------


def officer_state(line: OfficerLine, target: float) -> tuple[str, str]:
    """(css class, text) of an officer's standing."""
    if line.total >= target:
        return "xf-done", "已达标"
    if line.on_track:
        return "xf-upcoming", "进度正常"
    return "xf-missing", "落后"


def officers_table(report: UnitReport) -> str:
    if not report.officers:
        return '<p class="xf-hint">这个单位还没有执法人员账号：请先在“账号”页导入人员名单。</p>'
    sub_units = len({line.officer.unit for line in report.officers}) > 1
    head = "".join(f"<th>{esc(s.label)}</th>" for s in Source)
    rows = []
    for line in report.officers[:OFFICERS_SHOWN]:
        css, text = officer_state(line, report.target)
        o = line.officer
        unit = f"<td>{esc(o.unit)}</td>" if sub_units else ""
        cells = "".join(f'<td class="xf-num">{hours_text(line.by_source.get(s, 0.0))}</td>' for s in Source)
        rows.append(f'<tr class="{css}"><td>{esc(o.officer_id)}</td><td>{esc(o.name)}</td>{unit}'
                    f'<td class="xf-num"><b>{hours_text(line.total)}</b>{progress_bar(line.total, report.target, o.name)}'
                    f'</td>{cells}<td><span class="xf-chip {css}">{text}</span></td></tr>')
    unit_head = "<th>单位</th>" if sub_units else ""
    more = len(report.officers) - OFFICERS_SHOWN
    note = (f'<p class="xf-hint">共 {len(report.officers)} 人，这里列出进度最靠后的 {OFFICERS_SHOWN} 人；'
            "全部人员请导出学时记录（XLSX）。</p>" if more > 0 else "")
    return (f'{note}<div class="xf-scroll"><table class="xf-htable xf-officers"><thead><tr><th>警号</th><th>姓名</th>'
            f'{unit_head}<th>学时</th>{head}<th>状态</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def monthly_chart(report: UnitReport) -> str:
    """The officers' mean 学时 by the end of each month, against where an officer on track stands."""
    n = len(report.officers)
    means = [sum(line.cumulative[m] for line in report.officers) / n if n else 0.0 for m in range(12)]
    marks = [report.target * (m + 1) / 12 for m in range(12)]
    return (column_chart(list(zip(MONTHS, means, strict=True)), "各月末人均累计学时", marks=marks)
            + '<p class="xf-hint">柱：各月末人均累计学时；横线：按全年目标均匀推进应达到的学时。</p>')


def duties_html(report: UnitReport) -> str:
    """The yearly 讲座/竞赛/旁听庭审/模拟执法 and the leaders' quarterly study, done or missing."""
    chips = "".join(
        f'<li class="xf-chip {DUE_CLASS[a.state]}">{esc(a.kind.value)}：{esc(a.state.label)}'
        + (f'（{esc("、".join(d.strftime("%m-%d") for d in a.dates))}）' if a.dates else "") + "</li>"
        for a in report.yearly_activities)
    yearly = f'<ul class="xf-chips" id="xf-hours-yearly">{chips}</ul>'
    if not report.leaders:
        leaders = '<p class="xf-hint">名单中没有领导班子成员。</p>'
    else:
        rows = "".join(
            f"<tr><td>{esc(s.officer.name)}</td><td>{esc(s.officer.title)}</td>"
            + "".join(f'<td><span class="xf-chip {DUE_CLASS[q]}">{esc(q.label)}</span></td>' for q in s.quarters)
            + "</tr>" for s in report.leaders)
        quarter_heads = "".join(f"<th>{q}</th>" for q in QUARTERS)
        leaders = (f'<div class="xf-scroll"><table class="xf-htable" id="xf-hours-leaders"><thead><tr><th>领导班子成员'
                   f"</th><th>职务</th>{quarter_heads}</tr></thead><tbody>{rows}</tbody></table></div>")
    return section("年度活动", yearly) + section("领导班子成员每季度学法", leaders)


def unit_summary(report: UnitReport) -> str:
    n = len(report.officers)
    figures = (("人数", str(n)), ("人均学时", hours_text(report.mean)),
               ("已达标", f"{report.at_target} 人"), ("进度正常", f"{report.on_track} 人"),
               ("落后", f"{n - report.on_track} 人"), ("截至上月末应达", f"{hours_text(report.expected_now)} 学时"))
    cells = "".join(f'<div class="xf-figure"><span>{esc(k)}</span><b>{esc(v)}</b></div>' for k, v in figures)
    return f'<div class="xf-figures">{cells}</div>'


def unit_report_html(report: UnitReport) -> str:
    """A unit's year: figures, officers behind first, the distribution, monthly progress, the duties."""
    bins = [(b.label, float(b.count)) for b in report.distribution]
    return (f'<div class="xf-hours xf-hours-unit" id="xf-hours-unit" data-unit="{esc(report.unit)}">'
            f'<h2 class="xf-section-title">{esc(report.unit)} · {report.year} 年学时（目标 {hours_text(report.target)}）</h2>'
            + unit_summary(report)
            + section("人员（落后的在前）", officers_table(report))
            + section("学时分布", column_chart(bins, "学时分布（人数）", unit="人")
                      + '<p class="xf-hint">每一段的人数。</p>')
            + section("每月进度", monthly_chart(report))
            + duties_html(report) + "</div>")


# the city ---------------------------------------------------------------------------------------------------


def city_report_html(report: CityReport) -> str:
    """Units side by side: mean 学时 as bars (the line: where one should be by now), then the table."""
    if not report.units:
        return '<p class="xf-hint">还没有单位。</p>'
    scale = max([report.target] + [u.mean for u in report.units])
    bars = row_bars([(u.unit, u.mean, hours_text(u.mean)) for u in report.units], scale, "各单位人均学时",
                    mark=report.expected_now)
    rows = "".join(
        f"<tr><td>{esc(u.unit)}</td><td class=\"xf-num\">{u.officers}</td><td class=\"xf-num\">{hours_text(u.mean)}</td>"
        f"<td class=\"xf-num\">{u.share_at_target * 100:.0f}%</td><td class=\"xf-num\">{u.share_on_track * 100:.0f}%</td>"
        f"<td>{esc('、'.join(k.value for k in u.activities_missing) or '—')}</td>"
        f"<td class=\"xf-num\">{u.leader_quarters_missing}</td></tr>"
        for u in report.units)
    table = (f'<div class="xf-scroll"><table class="xf-htable" id="xf-hours-city-table"><thead><tr><th>单位</th>'
             "<th>人数</th><th>人均学时</th><th>已达标</th><th>进度正常</th><th>年度活动未完成</th>"
             f"<th>领导学法缺季</th></tr></thead><tbody>{rows}</tbody></table></div>")
    return (f'<div class="xf-hours xf-hours-city" id="xf-hours-city">'
            f'<h2 class="xf-section-title">全市 · {report.year} 年各单位学时（目标 {hours_text(report.target)}）</h2>'
            + section("各单位人均学时", bars + f'<p class="xf-hint">竖线：截至上月末应达到的 '
                                              f"{hours_text(report.expected_now)} 学时。</p>")
            + section("各单位情况", table) + "</div>")


# messages ---------------------------------------------------------------------------------------------------


def problems_html(file_name: str, problems: Sequence[tuple[int, str]], head: str) -> str:
    """A refused sheet: the file, then each bad row with its reason (row 0: the file as a whole)."""
    items = "".join(f"<li>{'第 ' + str(row) + ' 行：' if row else ''}{esc(reason)}</li>" for row, reason in problems)
    return (f'<div class="xf-refused" role="alert"><p class="xf-error">{esc(file_name)}：{esc(head)}</p>'
            f'<ul class="xf-problems">{items}</ul></div>')


def ok_html(text: str) -> str:
    return f'<p class="xf-ok">{esc(text)}</p>'


def error_html(text: str) -> str:
    return f'<p class="xf-error">{esc(text)}</p>'
