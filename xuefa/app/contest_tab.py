"""The 竞赛 tab: the host console of a knowledge contest, behind an administrator's sign-in (a unit
administrator hosts only its units' contests; the city administrator any).

The host creates a contest (teams, the usual rounds), opens the big screen on the projector and hands out
the team codes for the phones' buzzers; then, question by question: 出题 (drawn from the bank), 开放抢答,
判定 (automatic for objective types, 判为正确/错误 to decide or override), 揭晓答案; manual score
adjustments with their reason; results exported as XLSX/CSV.

Per session in ``gr.State``: the sign-in's token (``xuefa.app.gate``: every handler resolves it and checks
the contest's unit), the contest it hosts, the server address its links
use and the last version it drew. A ``gr.Timer`` redraws the status every second while something can
change by itself (buzzers, countdowns); the answer widgets change only with the host's own actions, so a
late buzz never clears an answer being entered.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr

from quiz.contest.model import (
    OBJECTIVE_TYPES,
    BuzzOutcome,
    ContestError,
    Phase,
    QuestionPick,
    RoundKind,
    RoundSpec,
)
from quiz.contest.service import ContestService
from quiz.contest.views import AttemptView, HostView, KeyView, ScreenView
from quiz.models import QUESTION_TYPE_NAMES, question_type
from quiz.people.access import owner_for, require
from quiz.people.models import AccessDenied, Scope
from quiz.settings import QuizSettings
from xuefa.app import dialogs
from xuefa.app.admin_tab import wire_login
from xuefa.app.dialogs import Login, html_block, login_views
from xuefa.app.gate import Admin, AdminAction, Gate
from xuefa.app.render import esc
from xuefa.services import Services

log = logging.getLogger(__name__)

CONSOLE_CSS = '<link rel="stylesheet" href="/static-xf/contest-console.css">'
DISABLED_NOTE = (
    "竞赛主持台需要管理员账号：请在设置文件中填写 `admin_password`（或设置环境变量 `XUEFA_ADMIN_PASSWORD`）后重新启动，"
    "再用账号 `admin` 和这个密码登录。"
)
KIND_CHOICES = [("必答题（各队轮流）", RoundKind.REQUIRED.value), ("抢答题（先按先答）", RoundKind.BUZZ.value),
                ("风险题（自选分值）", RoundKind.RISK.value)]
TYPES = ("single", "multi", "judge", "blank", "short", "case")
TYPE_CHOICES = [(QUESTION_TYPE_NAMES[t], t) for t in TYPES]
DIFFICULTY_CHOICES = [("易", 1), ("中", 2), ("难", 3)]
JUDGE_CHOICES = [("正确", "对"), ("错误", "错")]
DEFAULT_TYPES = ["single", "multi", "judge"]
NEXT_STEP: dict[Phase, str] = {
    Phase.SHOWN: "主持人读题后点“开放抢答”。",
    Phase.BUZZING: "等待各队抢答；无人抢答可直接“揭晓答案”。",
    Phase.ANSWERING: "录入答题队伍的回答，点“自动判定”（或“判为正确/错误”）。",
    Phase.JUDGED: "点“揭晓答案”；抢答题答错时可以“开放抢答”让其他队再抢。",
    Phase.REVEALED: "点“出题”进入下一题，或开始下一轮。",
    Phase.FINISHED: "竞赛已结束，可以导出结果。",
}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


# pure helpers (Gradio shows toast messages as HTML: anything from the host goes through ``esc``) --------------------------------------------------------------------------------------


def team_lines(text: str) -> list[str]:
    """Team names from a textbox: one a line (commas and 、 separate too)."""
    out: list[str] = []
    for line in (text or "").replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines():
        if line.strip():
            out.append(line.strip())
    return out


def parse_stakes(text: str) -> tuple[int, ...]:
    """``10,20,30`` / ``10 20 30`` / ``10、20、30`` → (10, 20, 30); ContestError naming a bad value."""
    parts = [p for p in (text or "").replace("，", " ").replace(",", " ").replace("、", " ").replace("/", " ").split()]
    stakes: list[int] = []
    for p in parts:
        if not p.isdigit():
            raise ContestError(f"风险分值“{p}”不是正整数；请写成 10,20,30 这样。")
        stakes.append(int(p))
    return tuple(sorted(set(stakes)))


def base_url(request: gr.Request | None) -> str:
    if request is None:
        return ""
    headers = request.headers
    host = headers.get("x-forwarded-host") or headers.get("host") or ""
    scheme = headers.get("x-forwarded-proto") or "http"
    return f"{scheme}://{host}" if host else ""


def key_text(key: KeyView, options: Sequence[Any] = ()) -> str:
    if key.keys:
        texts = {o.letter: o.text for o in options}
        return "；".join(f"{k}. {texts.get(k, '')}" for k in key.keys)
    if key.answer is True:
        return "正确"
    if key.answer is False:
        return "错误"
    return str(key.answer)


def given_text(given: object) -> str:
    if given is True:
        return "正确"
    if given is False:
        return "错误"
    if isinstance(given, list | tuple):
        return "".join(str(g) for g in given) or "（未作答）"
    return str(given or "") or "（未作答）"


# HTML -----------------------------------------------------------------------------------------------


def attempts_html(attempts: Sequence[AttemptView]) -> str:
    if not attempts:
        return ""
    items = "".join(
        f'<li class="{"xc-right" if a.correct else "xc-wrong"}"><b>{esc(a.team_name)}</b> 答：{esc(given_text(a.given))}'
        f' · {"正确" if a.correct else "错误"} {a.points:+d} 分{"（主持人改判）" if a.overridden else ""}</li>'
        for a in attempts
    )
    return f'<ul class="xc-attempts">{items}</ul>'


def question_html(host: HostView, now: float) -> str:
    v = host.screen
    q = v.question
    if q is None:
        return ""
    key = host.key
    options = "".join(
        f'<li class="{"xc-key" if key and o.letter in key.keys else ""}"><b>{esc(o.letter)}.</b> {esc(o.text)}</li>'
        for o in q.options
    )
    who = ""
    won = v.winner
    if v.phase == Phase.ANSWERING:
        who = (f'<p class="xc-who">抢到：<b>{esc(won.team_name)}</b>（开放后 {won.after_open_ms} 毫秒）</p>' if won
               else f'<p class="xc-who">答题队伍：<b>{esc(v.team_name)}</b></p>')
    late = [p for p in v.presses if p.outcome == BuzzOutcome.LATE]
    if late:
        who += '<p class="xc-hint">其后：' + "、".join(f"{esc(p.team_name)}（慢 {p.behind_ms} 毫秒）" for p in late) + "</p>"
    left = v.seconds_left(now)
    clock = ""
    if left is not None:
        label = "抢答" if v.phase == Phase.BUZZING else "答题"
        clock = (f'<p class="xc-clock{" xc-over" if left <= 0 else ""}">{label}剩余 {int(left + 0.999)} 秒</p>'
                 if left > 0 else f'<p class="xc-clock xc-over">{label}时间到</p>')
    stake = f" · 风险分值 {v.stake}" if v.stake else ""
    answer = ""
    if key is not None:
        answer = (f'<div class="xc-answer"><p><b>答案：</b>{esc(key_text(key, q.options))}</p>'
                  f'<p><b>出处：</b>{esc("；".join(key.sources))}</p>'
                  f'<p class="xc-hint"><b>解析：</b>{esc(key.explanation)}</p>'
                  f'<p class="xc-hint">{"大屏已显示答案" if v.key else "大屏尚未显示答案"}</p></div>')
    return (
        f'<div class="xc-question"><p class="xc-meta">第 {q.number} 题（本轮第 {q.in_round} 题）· '
        f'{esc(q.type_name)} · {esc(q.law)} · 难度 {q.difficulty}{stake}</p>'
        f'<p class="xc-stem">{esc(q.stem)}</p>{f"<ol class=xc-options>{options}</ol>" if options else ""}'
        f"{who}{clock}{attempts_html(v.attempts)}{answer}</div>"
    )


def scores_html(v: ScreenView) -> str:
    rows = "".join(
        f"<tr><td>{s.rank}</td><td>{esc(s.name)}</td><td class=xc-num>{s.score}</td><td class=xc-num>{s.right}</td>"
        f"<td class=xc-num>{s.wrong}</td><td class=xc-num>{s.adjusted:+d}</td></tr>"
        for s in v.scores
    )
    return ('<table class="xc-scores"><thead><tr><th>名次</th><th>队伍</th><th>得分</th><th>答对</th><th>答错</th>'
            f"<th>调整</th></tr></thead><tbody>{rows}</tbody></table>")


def status_html(host: HostView | None, now: float) -> str:
    if host is None:
        return '<div class="xc-status xc-empty"><p class="xf-hint">请选择或新建一场竞赛。</p></div>'
    v = host.screen
    rnd = v.round
    round_text = (f"第 {rnd.index + 1}/{v.rounds_total} 轮 · {esc(rnd.title)}（{esc(rnd.kind_name)}）· "
                  f"已出 {rnd.asked}/{rnd.planned} 题" if rnd else f"共 {v.rounds_total} 轮，尚未开始")
    hint = NEXT_STEP.get(v.phase, "")
    if v.phase == Phase.IDLE:
        if rnd is None:
            hint = "选择轮次后点“开始本轮”。"
        elif v.round_done:
            hint = "本轮题已出完：开始下一轮，或结束竞赛。"
        elif rnd.kind == RoundKind.RISK:
            hint = f"请{esc(v.team_name)}选择分值（{'/'.join(map(str, rnd.stakes))}），选好后点“出题”。"
        elif rnd.kind == RoundKind.REQUIRED:
            hint = f"下一题由{esc(v.team_name)}必答：点“出题”。"
        else:
            hint = "点“出题”显示抢答题。"
    adjustments = "".join(
        f"<li>{datetime.fromtimestamp(j.at).strftime('%H:%M:%S')} {esc(host.teams[j.team].name)} "
        f"{j.delta:+d} 分：{esc(j.reason)}</li>"
        for j in host.adjustments
    )
    log_html = (f'<details class="xc-log"><summary>分数调整记录（{len(host.adjustments)}）</summary>'
                f"<ul>{adjustments}</ul></details>") if host.adjustments else ""
    return (
        f'<div class="xc-status" data-phase="{esc(v.phase)}" data-version="{v.version}">'
        f'<div class="xc-head"><span class="xc-name">{esc(v.name)}</span>'
        f'<span class="xc-code">编号 {esc(v.code)}</span>'
        f'<span class="xc-phase xc-phase-{esc(v.phase)}">{esc(v.phase_name)}</span></div>'
        f'<p class="xc-round">{round_text}</p><p class="xc-next"><b>下一步：</b>{hint}</p>'
        f"{question_html(host, now)}{scores_html(v)}{log_html}</div>"
    )


def links_html(host: HostView | None, base: str) -> str:
    if host is None:
        return ""
    v = host.screen
    screen = f"{base}/contest/screen/{v.code}"
    buzz = f"{base}/contest/buzz"
    rows = "".join(
        f'<li><span class="xc-team">{esc(t.name)}</span><span class="xc-team-code">{esc(t.code)}</span>'
        f'<a href="{esc(buzz)}?team={esc(t.code)}" target="_blank" rel="noopener">本队抢答链接</a></li>'
        for t in host.teams
    )
    local = any(f"//{h}" in base for h in LOCAL_HOSTS)
    warn = ('<p class="xf-hint xc-warn">当前用本机地址打开：手机访问不到 127.0.0.1。请用 '
            "<code>xuefa serve --host 0.0.0.0</code> 启动，并用本机的局域网地址打开主持台。</p>") if local else ""
    return (
        '<div class="xc-links">'
        f'<p><b>大屏（投影）：</b><a href="{esc(screen)}" target="_blank" rel="noopener" id="xc-screen-link">'
        f"{esc(screen)}</a></p>"
        f'<p><b>手机抢答器：</b><a href="{esc(buzz)}" target="_blank" rel="noopener">{esc(buzz)}</a>'
        "（打开后输入本队的队伍码）</p>"
        f'<ul class="xc-teams">{rows}</ul>{warn}</div>'
    )


def rounds_html(host: HostView | None) -> str:
    if host is None or not host.rounds:
        return '<p class="xf-hint">还没有轮次：在下面添加。</p>'
    rows = "".join(
        f"<tr><td>{r.index + 1}</td><td>{esc(r.title)}</td><td>{esc(r.kind_name)}</td><td>{r.asked}/{r.planned}</td>"
        f"<td>{('/'.join(map(str, r.stakes)) if r.kind == RoundKind.RISK else f'+{r.points}/-{r.penalty}')}</td>"
        f"<td>{r.answer_seconds} 秒{f' · 抢 {r.buzz_seconds} 秒' if r.kind == RoundKind.BUZZ else ''}</td></tr>"
        for r in host.rounds
    )
    return ('<table class="xc-rounds"><thead><tr><th>轮</th><th>名称</th><th>类型</th><th>进度</th><th>分值</th>'
            f"<th>时间</th></tr></thead><tbody>{rows}</tbody></table>")


# the tab: layout (one function a panel) ------------------------------------------------------------


@dataclass
class Setup:
    """Choosing a contest, and the form of a new one."""

    chooser: gr.Dropdown
    reload: gr.Button
    box: gr.Accordion
    name: gr.Textbox
    unit: gr.Textbox
    teams: gr.Textbox
    laws: gr.Dropdown
    kinds: gr.CheckboxGroup
    required: gr.Number
    buzz: gr.Number
    risk: gr.Number
    create: gr.Button


@dataclass
class Host:
    """The question-by-question controls."""

    status: gr.HTML
    round_pick: gr.Dropdown
    start_round: gr.Button
    stake: gr.Radio
    draw: gr.Button
    open_buzz: gr.Button
    reveal: gr.Button
    choice: gr.Radio
    picks: gr.CheckboxGroup
    text: gr.Textbox
    auto: gr.Button
    right: gr.Button
    wrong: gr.Button
    void_reason: gr.Textbox
    void: gr.Button
    finish: gr.Button
    delete: gr.Button


@dataclass
class Adjust:
    team: gr.Dropdown
    delta: gr.Number
    reason: gr.Textbox
    button: gr.Button


@dataclass
class Rounds:
    """The rounds table, the form of a new round, and the exports."""

    table: gr.HTML
    kind: gr.Radio
    name: gr.Textbox
    count: gr.Number
    points: gr.Number
    penalty: gr.Number
    answer: gr.Number
    buzz: gr.Number
    stakes: gr.Textbox
    laws: gr.Dropdown
    types: gr.CheckboxGroup
    levels: gr.CheckboxGroup
    add: gr.Button
    export_xlsx: gr.Button
    export_csv: gr.Button
    exported: gr.File

    @property
    def form(self) -> list[Any]:
        return [self.kind, self.name, self.count, self.points, self.penalty, self.answer, self.buzz, self.stakes,
                self.laws, self.types, self.levels]


@dataclass
class Console:
    """Everything a full redraw updates."""

    status: gr.HTML
    links: gr.HTML
    rounds: gr.HTML
    round_pick: gr.Dropdown
    stake: gr.Radio
    choice: gr.Radio
    picks: gr.CheckboxGroup
    text: gr.Textbox
    team_pick: gr.Dropdown
    seen: gr.State

    @property
    def outputs(self) -> list[Any]:
        return [self.status, self.links, self.rounds, self.round_pick, self.stake, self.choice, self.picks,
                self.text, self.team_pick, self.seen]


@dataclass
class ContestTab:
    gate: Gate
    code: gr.State
    base: gr.State
    login: Login
    panel: gr.Column
    setup: Setup
    host: Host
    adjust: Adjust
    rounds: Rounds
    logout: gr.Button
    timer: gr.Timer
    console: Console

    @property
    def session(self) -> list[Any]:
        """The inputs of a host action after the sign-in's token (``Gate.on`` adds it)."""
        return [self.code, self.base]


def layout_login() -> Login:
    return dialogs.layout_login('<h2 class="xf-section-title">竞赛主持台 · 管理员登录</h2>'
                                '<p class="xf-hint">主持知识竞赛需要管理员账号。</p>', "xc-login", "xc-password", "xc-login-btn")


def layout_setup() -> Setup:
    with gr.Column(elem_classes=["xf-panel"]):
        html_block(f'{CONSOLE_CSS}<h2 class="xf-section-title">知识竞赛</h2>')
        with gr.Row(equal_height=True):
            chooser = gr.Dropdown([], label="选择竞赛", elem_id="xc-contest", scale=4)
            reload = gr.Button("刷新列表", variant="secondary", elem_id="xc-reload", scale=1, min_width=100)
        with gr.Accordion("新建竞赛", open=False, elem_id="xc-new") as box:
            name = gr.Textbox(label="竞赛名称", max_length=60, elem_id="xc-name",
                              placeholder="例如：2026 年路政执法知识竞赛")
            unit = gr.Textbox(label="所属单位（市级管理员可选任一单位，空为市级；单位管理员为本单位或下级单位）",
                              max_length=200, elem_id="xc-unit")
            teams = gr.Textbox(label="参赛队伍（每行一个队名）", lines=4, max_length=1000, elem_id="xc-teams")
            laws = gr.Dropdown([], multiselect=True, label="出题范围：法律（不选为题库全部）", elem_id="xc-laws")
            kinds = gr.CheckboxGroup(TYPE_CHOICES, value=DEFAULT_TYPES, label="题型", elem_id="xc-types")
            with gr.Row():
                required = gr.Number(2, label="必答题：每队题数", precision=0, minimum=0, maximum=20,
                                     elem_id="xc-n-required")
                buzz = gr.Number(10, label="抢答题：总题数", precision=0, minimum=0, maximum=100, elem_id="xc-n-buzz")
                risk = gr.Number(1, label="风险题：每队题数", precision=0, minimum=0, maximum=10, elem_id="xc-n-risk")
            create = gr.Button("创建竞赛", variant="primary", elem_id="xc-create")
    return Setup(chooser, reload, box, name, unit, teams, laws, kinds, required, buzz, risk, create)


def layout_host() -> Host:
    with gr.Column(elem_classes=["xf-panel"], elem_id="xc-host"):
        status = html_block(status_html(None, 0), elem_id="xc-status")
        with gr.Row(equal_height=True):
            round_pick = gr.Dropdown([], label="轮次", elem_id="xc-round", scale=3)
            start_round = gr.Button("开始本轮", variant="secondary", elem_id="xc-start-round", scale=1, min_width=110)
        stake = gr.Radio([], label="风险分值（由答题队伍选择）", visible=False, elem_id="xc-stake")
        with gr.Row():
            draw = gr.Button("出题", variant="primary", elem_id="xc-draw", min_width=110)
            open_buzz = gr.Button("开放抢答", variant="primary", elem_id="xc-open-buzz", min_width=110)
            reveal = gr.Button("揭晓答案", variant="secondary", elem_id="xc-reveal", min_width=110)
        choice = gr.Radio([], label="答题队伍的回答", visible=False, elem_id="xc-choice")
        picks = gr.CheckboxGroup([], label="答题队伍的回答（多选）", visible=False, elem_id="xc-picks")
        text = gr.Textbox(label="答题队伍的回答", visible=False, max_lines=4, elem_id="xc-text")
        with gr.Row():
            auto = gr.Button("自动判定", variant="primary", elem_id="xc-judge", min_width=110)
            right = gr.Button("判为正确", variant="secondary", elem_id="xc-right", min_width=110)
            wrong = gr.Button("判为错误", variant="secondary", elem_id="xc-wrong", min_width=110)
        with gr.Accordion("作废本题 / 结束竞赛", open=False):
            void_reason = gr.Textbox(label="作废原因", max_length=200, elem_id="xc-void-reason")
            with gr.Row():
                void = gr.Button("作废本题", variant="secondary", elem_id="xc-void")
                finish = gr.Button("结束竞赛", variant="stop", elem_id="xc-finish")
                delete = gr.Button("删除竞赛", variant="stop", elem_id="xc-delete")
    return Host(status, round_pick, start_round, stake, draw, open_buzz, reveal, choice, picks, text, auto, right,
                wrong, void_reason, void, finish, delete)


def layout_adjust() -> Adjust:
    with gr.Column(elem_classes=["xf-panel"]):
        html_block('<h3 class="xf-section-title">分数调整</h3>'
                   '<p class="xf-hint">每次调整都会记录时间和原因，并写入导出的结果。</p>')
        with gr.Row():
            team = gr.Dropdown([], label="队伍", elem_id="xc-adjust-team", scale=2)
            delta = gr.Number(0, label="加减分（扣分写负数）", precision=0, elem_id="xc-adjust-delta", scale=1)
        reason = gr.Textbox(label="原因", max_length=200, elem_id="xc-adjust-reason")
        button = gr.Button("调整分数", variant="secondary", elem_id="xc-adjust")
    return Adjust(team, delta, reason, button)


def layout_rounds(settings: QuizSettings) -> Rounds:
    with gr.Column(elem_classes=["xf-panel"]):
        with gr.Accordion("轮次设置", open=False, elem_id="xc-rounds-box"):
            table = html_block(rounds_html(None), elem_id="xc-rounds")
            kind = gr.Radio(KIND_CHOICES, value=RoundKind.BUZZ.value, label="类型", elem_id="xc-kind")
            name = gr.Textbox(label="名称（可空）", max_length=30, elem_id="xc-round-name")
            with gr.Row():
                count = gr.Number(5, label="题数（必答/风险：每队）", precision=0, minimum=1, maximum=200)
                points = gr.Number(settings.contest_points, label="答对得分", precision=0, minimum=0)
                penalty = gr.Number(0, label="答错扣分", precision=0, minimum=0)
            with gr.Row():
                answer = gr.Number(settings.contest_answer_seconds, label="答题时间（秒）", precision=0)
                buzz = gr.Number(settings.contest_buzz_seconds, label="抢答时间（秒）", precision=0)
                stakes = gr.Textbox(",".join(map(str, settings.contest_stakes)), label="风险分值档位")
            laws = gr.Dropdown([], multiselect=True, label="法律（不选为全部）")
            types = gr.CheckboxGroup(TYPE_CHOICES, value=DEFAULT_TYPES, label="题型")
            levels = gr.CheckboxGroup(DIFFICULTY_CHOICES, value=[], label="难度（不选为全部）")
            add = gr.Button("添加轮次", variant="secondary", elem_id="xc-add-round")
        with gr.Row():
            export_xlsx = gr.Button("导出结果（Excel）", variant="secondary", elem_id="xc-export-xlsx")
            export_csv = gr.Button("导出结果（CSV）", variant="secondary", elem_id="xc-export-csv")
        exported = gr.File(label="导出的文件", interactive=False, visible=False, elem_id="xc-export-file")
    return Rounds(table, kind, name, count, points, penalty, answer, buzz, stakes, laws, types, levels, add,
                  export_xlsx, export_csv, exported)


def layout(gate: Gate, settings: QuizSettings) -> ContestTab:
    code = gr.State("")
    base = gr.State("")
    login = layout_login()
    with gr.Column(visible=False, elem_id="xc-console") as panel:
        setup = layout_setup()
        links = html_block(elem_id="xc-links")
        host = layout_host()
        adjust = layout_adjust()
        rounds = layout_rounds(settings)
        logout = gr.Button("退出登录", variant="secondary", size="sm", elem_id="xc-logout")
    timer = gr.Timer(1.0, active=False)
    seen = gr.State(-1)
    console = Console(host.status, links, rounds.table, host.round_pick, host.stake, host.choice, host.picks,
                      host.text, adjust.team, seen)
    return ContestTab(gate, code, base, login, panel, setup, host, adjust, rounds, logout, timer, console)


# the tab: handlers (plain functions of the service and the form values) ---------------------------------


def contest_choices(contests: ContestService, scope: Scope | None = None) -> list[tuple[str, str]]:
    """The contests ``scope`` covers (None: all), as the chooser lists them."""
    return [(f"{s.name}（{s.unit or '市级'} · {s.code}）· {s.phase_name}", s.code) for s in contests.contests(scope)]


def law_choices(contests: ContestService) -> list[str]:
    return contests.laws()


def question_pick(laws: Sequence[str] | None, types: Sequence[str] | None, levels: Sequence[int] = ()) -> QuestionPick:
    """The bank questions a round draws from, as the form chose them."""
    return QuestionPick(tuple(laws or ()), tuple(question_type(t) for t in types or () if t in TYPES),
                        tuple(int(x) for x in levels or ()))


def redraw(contests: ContestService, contest_code: str, where: str) -> tuple[Any, ...]:
    """Every output of ``Console.outputs`` from the contest's current state."""
    if not contest_code:
        return (status_html(None, 0), "", rounds_html(None), gr.update(choices=[], value=None),
                gr.update(visible=False), gr.update(visible=False), gr.update(visible=False),
                gr.update(visible=False), gr.update(choices=[], value=None), -1)
    host = contests.host(contest_code)
    v = host.screen
    q = v.question
    qtype = q.type if q is not None else ""
    answering = v.question_on
    options = [(f"{o.letter}. {o.text}", o.letter) for o in q.options] if q is not None else []
    rnd = v.round
    risk = v.choosing_stake
    return (
        status_html(host, time.time()),
        links_html(host, where),
        rounds_html(host),
        gr.update(choices=[(f"第 {r.index + 1} 轮 · {r.title}（{r.asked}/{r.planned}）", r.index)
                           for r in host.rounds], value=host.next_round),
        gr.update(choices=[(f"{s} 分", s) for s in rnd.stakes] if risk and rnd else [], value=None, visible=risk),
        gr.update(choices=JUDGE_CHOICES if qtype == "judge" else options, value=None,
                  visible=answering and qtype in ("single", "judge")),
        gr.update(choices=options, value=[], visible=answering and qtype == "multi"),
        gr.update(value="", visible=answering and qtype not in ("single", "judge", "multi"),
                  label="答题队伍的回答" + ("（主持人判定）" if qtype not in OBJECTIVE_TYPES else "")),
        gr.update(choices=[(t.name, t.index) for t in host.teams], value=None),
        v.version,
    )


class HostActions:
    """The host's actions on the chosen contest: each one service call; a refusal is a warning, and the console
    redraws either way."""

    def __init__(self, contests: ContestService, console: Console, gate: Gate) -> None:
        self.contests = contests
        self.console = console
        self.gate = gate

    def skip_all(self) -> tuple[Any, ...]:
        return tuple(gr.skip() for _ in self.console.outputs)

    def guarded(self, action: Callable[..., Any], name: str) -> Callable[..., tuple[Any, ...]]:
        """``action(code, *args)`` as ``Gate.on``'s function: on a contest of the administrator's units only,
        recorded in the admins' audit as ``name``."""

        def run(admin: Admin, contest_code: str, where: str, *args: Any) -> tuple[Any, ...]:
            if not contest_code:
                gr.Warning("请先选择或新建一场竞赛。")
                return self.skip_all()
            try:
                unit = owned(self.contests, admin, contest_code)
                action(contest_code, *args)
                self.gate.record(admin, AdminAction.CONTEST_HOST, contest_code, name, unit=unit)
            except AccessDenied:
                raise
            except ContestError as exc:
                log.info("contest %s: refused: %s", contest_code, exc)
                gr.Warning(esc(exc))
            except Exception:
                log.exception("contest action failed")
                gr.Warning("操作失败，请重试；若一再失败请查看服务器日志。")
            return redraw(self.contests, contest_code, where)

        run.__name__ = f"host_{name}"
        return run

    def add_round(self, c: str, k: str, title: str, count: float | None, points: float | None,
                  penalty: float | None, answer_s: float | None, buzz_s: float | None, stakes_text: str,
                  chosen_laws: list[str], chosen_types: list[str], levels: list[int]) -> None:
        spec = RoundSpec(
            RoundKind(k or RoundKind.BUZZ.value), (title or "").strip(), int(count or 0), int(points or 0),
            int(penalty or 0), int(answer_s or 0), int(buzz_s or 0), parse_stakes(stakes_text),
            question_pick(chosen_laws, chosen_types, levels),
        )
        self.contests.add_round(c, spec)

    def start(self, c: str, index: int | None) -> None:
        if index is None:
            raise ContestError("请先选择轮次。")
        self.contests.start_round(c, int(index))

    def draw(self, c: str, stake_value: int | None) -> None:
        self.contests.draw(c, int(stake_value) if stake_value not in (None, "") else None)

    def judge(self, correct: bool | None) -> Callable[..., None]:
        def act(c: str, choice: str | None, picks: list[str] | None, text: str | None) -> None:
            self.contests.decide(c, choice, picks, text, correct)

        return act

    def adjust(self, c: str, team: int | None, change: float | None, why: str) -> None:
        if team is None:
            raise ContestError("请选择要调整分数的队伍。")
        self.contests.adjust(c, int(team), int(change or 0), why or "")
        gr.Info("分数已调整并记录。")


# the tab: wiring (each handler resolves the session's account itself: ``Gate.on``) ----------------------


PRIVATE: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}


def owned(contests: ContestService, admin: Admin, contest_code: str) -> str:
    """The unit that owns the contest, if the administrator may act on it (AccessDenied otherwise)."""
    unit = contests.owner(contest_code)
    require(admin.actor, unit)
    return unit


def wire_session(tab: ContestTab, contests: ContestService) -> None:
    """Sign-in and logout: the panel and the lists follow the session."""
    gate, setup = tab.gate, tab.setup

    def on_session(token: str, request: gr.Request) -> tuple[Any, ...]:
        actor = gate.actor(token)
        views = login_views(actor is not None, gate.must_change(token))
        skip = gr.skip()
        if actor is None:
            return "", *views, gr.update(visible=False), skip, skip, skip, skip, skip, gr.Timer(active=False)
        found = contest_choices(contests, actor.scope)
        law_list = law_choices(contests)
        first = found[0][1] if found else None
        return (skip, *views, gr.update(visible=True), base_url(request), gr.update(choices=found, value=first),
                gr.update(choices=law_list, value=[]), gr.update(choices=law_list, value=[]), actor.unit,
                gr.Timer(active=True))

    wire_login(gate, tab.login)
    gate.session.change(on_session, [gate.session], [tab.code, *tab.login.views, tab.panel, tab.base, setup.chooser,
                                                     setup.laws, tab.rounds.laws, setup.unit, tab.timer], **PRIVATE)
    tab.logout.click(gate.sign_out, [gate.session], [gate.session], **PRIVATE)


def wire_setup(tab: ContestTab, contests: ContestService) -> None:
    """Choosing, listing and creating contests (a new one is owned by the creator's unit, or the unit the
    city administrator picks)."""
    gate, setup = tab.gate, tab.setup

    def on_choose(admin: Admin, chosen: str | None, where: str) -> tuple[Any, ...]:
        try:
            if chosen:
                owned(contests, admin, chosen)
            return (chosen or "", *redraw(contests, chosen or "", where))
        except ContestError as exc:
            gr.Warning(esc(exc))
            return ("", *redraw(contests, "", where))

    gate.on(setup.chooser.change, on_choose, [setup.chooser, tab.base], [tab.code, *tab.console.outputs], **PRIVATE)

    def on_reload(admin: Admin, current: str) -> Any:
        found = contest_choices(contests, admin.actor.scope)
        return gr.update(choices=found, value=current if any(c == current for _, c in found) else None)

    gate.on(setup.reload.click, on_reload, [tab.code], [setup.chooser], **PRIVATE)

    def on_create(admin: Admin, title: str, unit: str, team_text: str, chosen_laws: list[str],
                  chosen_types: list[str], required: float | None, buzz: float | None, risk: float | None) -> Any:
        owner = owner_for(admin.actor, unit or "")
        try:
            contest = contests.create_standard(title or "", team_lines(team_text), int(required or 0),
                                               int(buzz or 0), int(risk or 0), question_pick(chosen_laws, chosen_types),
                                               unit=owner)
        except ContestError as exc:
            log.info("contest not created: %s", exc)
            gr.Warning(esc(exc))
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        gate.record(admin, AdminAction.CONTEST_CREATE, contest.code, contest.name, unit=owner)
        gr.Info(f"已创建竞赛“{esc(contest.name)}”，编号 {contest.code}。")
        return (gr.update(choices=contest_choices(contests, admin.actor.scope), value=contest.code), "", "",
                gr.Accordion(open=False))

    gate.on(setup.create.click, on_create, [setup.name, setup.unit, setup.teams, setup.laws, setup.kinds,
                                            setup.required, setup.buzz, setup.risk],
            [setup.chooser, setup.name, setup.teams, setup.box], **PRIVATE)


def wire_actions(tab: ContestTab, contests: ContestService) -> None:
    """The host's buttons, each one service call and a redraw."""
    acts = HostActions(contests, tab.console, tab.gate)
    session, outputs, h = tab.session, tab.console.outputs, tab.host

    def on(trigger: Callable[..., Any], action: Callable[..., Any], name: str, *extra: Any) -> None:
        tab.gate.on(trigger, acts.guarded(action, name), [*session, *extra], outputs, **PRIVATE)

    on(tab.rounds.add.click, acts.add_round, "add_round", *tab.rounds.form)
    on(h.start_round.click, acts.start, "start_round", h.round_pick)
    on(h.draw.click, acts.draw, "draw", h.stake)
    on(h.open_buzz.click, contests.open_buzz, "open_buzz")
    on(h.reveal.click, contests.reveal, "reveal")
    judge_inputs = [h.choice, h.picks, h.text]
    on(h.auto.click, acts.judge(None), "judge", *judge_inputs)
    on(h.right.click, acts.judge(True), "judge_right", *judge_inputs)
    on(h.wrong.click, acts.judge(False), "judge_wrong", *judge_inputs)
    on(h.void.click, lambda c, why: contests.void(c, why or ""), "void", h.void_reason)
    on(h.finish.click, contests.finish, "finish")
    a = tab.adjust
    on(a.button.click, acts.adjust, "adjust", a.team, a.delta, a.reason)


def wire_delete(tab: ContestTab, contests: ContestService) -> None:
    """Deleting the chosen contest (its owner's administrators or the city's)."""
    gate = tab.gate

    def on_delete(admin: Admin, contest_code: str, where: str) -> tuple[Any, ...]:
        if not contest_code:
            gr.Warning("请先选择一场竞赛。")
            return (gr.skip(), gr.skip(), *redraw(contests, "", where))
        try:
            unit = owned(contests, admin, contest_code)
            contests.delete(contest_code)
        except ContestError as exc:
            gr.Warning(esc(exc))
            return (gr.skip(), gr.skip(), *redraw(contests, contest_code, where))
        gate.record(admin, AdminAction.CONTEST_DELETE, contest_code, unit=unit)
        gr.Info(f"已删除竞赛 {contest_code}。")
        return ("", gr.update(choices=contest_choices(contests, admin.actor.scope), value=None),
                *redraw(contests, "", where))

    gate.on(tab.host.delete.click, on_delete, tab.session, [tab.code, tab.setup.chooser, *tab.console.outputs],
            **PRIVATE)


def wire_refresh(tab: ContestTab, contests: ContestService) -> None:
    """The status redraw on the timer, and the exports."""
    gate = tab.gate

    def on_tick(token: str, contest_code: str, last: int) -> tuple[Any, Any]:
        """Redraw the status when the contest changed (a buzz) or a countdown runs; nothing else."""
        actor = gate.actor(token)
        if actor is None or not contest_code:
            return gr.skip(), gr.skip()
        try:
            if not actor.may(contests.owner(contest_code)):
                return gr.skip(), gr.skip()
            view = contests.screen(contest_code)
        except ContestError:
            return gr.skip(), gr.skip()
        if view.version == last and view.seconds_left(time.time()) is None:
            return gr.skip(), gr.skip()
        return status_html(contests.host(contest_code), time.time()), view.version

    tab.timer.tick(on_tick, [gate.session, tab.code, tab.console.seen], [tab.host.status, tab.console.seen],
                   **PRIVATE)

    def do_export(admin: Admin, contest_code: str, suffix: str) -> Any:
        if not contest_code:
            gr.Warning("请先选择一场竞赛。")
            return gr.skip()
        unit = owned(contests, admin, contest_code)
        folder = Path(tempfile.mkdtemp(prefix="xuefa-contest-"))
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path = contests.export(contest_code, folder / f"竞赛结果-{contest_code}-{stamp}{suffix}")
        gate.record(admin, AdminAction.CONTEST_EXPORT, contest_code, suffix.lstrip("."), unit=unit)
        return gr.update(value=str(path), visible=True)

    def export_xlsx(admin: Admin, contest_code: str) -> Any:
        return do_export(admin, contest_code, ".xlsx")

    def export_csv(admin: Admin, contest_code: str) -> Any:
        return do_export(admin, contest_code, ".csv")

    r = tab.rounds
    gate.on(r.export_xlsx.click, export_xlsx, [tab.code], [r.exported], **PRIVATE)
    gate.on(r.export_csv.click, export_csv, [tab.code], [r.exported], **PRIVATE)


def build_contest_tab(services: Services, contests: ContestService, gate: Gate | None) -> None:
    """``gate``: the session's sign-in shared by the tabs; None: accounts are off (a note says how)."""
    if gate is None:
        gr.Markdown(DISABLED_NOTE, elem_id="xc-disabled", elem_classes=["xf-panel"])
        return
    tab = layout(gate, contests.settings)
    wire_session(tab, contests)
    wire_setup(tab, contests)
    wire_actions(tab, contests)
    wire_delete(tab, contests)
    wire_refresh(tab, contests)
