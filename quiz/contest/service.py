"""``ContestService``: what the host console and the screen/buzzer routes call.

Contests live in the question bank's database (``quiz.contest.db``), so a restarted server picks up a
contest where it stood. While the server runs, each contest is held in memory with its own lock: every
action loads it once, applies one transition of ``quiz.contest.machine.Contest`` under the lock and
writes the new state before the lock is released (a failed write puts the old state back). The public
screen view of each contest is rebuilt after every change, so the polling screens and phones read it
without taking the lock or touching the database.

On PostgreSQL several server processes may serve the same contests (``xuefa serve --workers``): there
every action reads the contest's row ``FOR UPDATE``, applies its transition and writes it in that
transaction, so presses reaching different processes are judged in the one order their transactions take the
row lock (every press is written, late ones too), and ``NOTIFY`` tells the other processes
(``quiz.contest.changes``) to drop their cached view and wake their screens. A cached view is also read
again after ``SHARED_VIEW_TTL_S``, should a notification be missed. On SQLite one process serves a database.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Update, delete, select, update
from sqlalchemy.exc import IntegrityError

from quiz.bank.store import QuestionBank, QuestionFilter
from quiz.contest import codec
from quiz.contest.changes import ChangeFeed, announce
from quiz.contest.clock import Clock, SystemClock
from quiz.contest.db import ContestRow, ContestTeamRow
from quiz.contest.export import export_csv, export_xlsx
from quiz.contest.machine import BuzzResult, Contest, validate_teams
from quiz.contest.model import (
    PHASE_NAMES,
    Asked,
    Attempt,
    BuzzOutcome,
    ContestError,
    Phase,
    QuestionPick,
    RoundKind,
    RoundSpec,
    Team,
    standard_rounds,
)
from quiz.contest.views import HostView, ScreenView, host_view, screen_view
from quiz.db import create_tables
from quiz.grading import Given
from quiz.models import QUESTION_TYPE_NAMES, Question, ReviewStatus
from quiz.people.models import Scope
from quiz.settings import QuizSettings
from quiz.text import normalize_name

log = logging.getLogger(__name__)

CONTEST_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CONTEST_CODE_LENGTH = 6
TEAM_CODE_DIGITS = 6
MAX_CONTEST_NAME = 60
T = TypeVar("T")
SHARED_VIEW_TTL_S = 2.0
"""PostgreSQL: a process reads a contest's cached screen view again after this long without a notification."""


class ContestNotFound(ContestError):
    """No contest (or team) with that code."""


@dataclass(frozen=True)
class ContestSummary:
    code: str
    name: str
    phase: Phase
    phase_name: str
    teams: int
    rounds: int
    updated_at: datetime
    unit: str = ""
    """The owning unit; ``""``: the city's."""


@dataclass(frozen=True)
class TeamEntry:
    """A phone's view of the team it joined as."""

    contest: str
    contest_name: str
    team: int
    team_name: str


@dataclass(frozen=True)
class BuzzReply:
    outcome: str
    contest: str
    team: int
    team_name: str
    winner: int | None
    winner_name: str
    behind_ms: int


def _new_contest_code() -> str:
    return "".join(secrets.choice(CONTEST_ALPHABET) for _ in range(CONTEST_CODE_LENGTH))


def _new_team_code() -> str:
    return str(secrets.randbelow(9 * 10 ** (TEAM_CODE_DIGITS - 1)) + 10 ** (TEAM_CODE_DIGITS - 1))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.strip().upper() if ch.isalnum())[:16]


def entered_answer(qtype: str, choice: str | None, picks: Sequence[str] | None, text: str | None) -> Given:
    """The answer the host entered for the answering team, as a question of ``qtype`` is graded: the letters
    picked (多选), the option or 对/错 chosen (单选/判断), else the text (at most 500 characters)."""
    if qtype == "multi":
        return [str(p) for p in picks or ()]
    if qtype in ("single", "judge"):
        return str(choice or "")
    return (text or "").strip()[:500]


def stake_difficulty(spec: RoundSpec, stake: int) -> int:
    """风险题 without a difficulty of its own: the lowest stake draws 易 (1), the next 中 (2), higher 难 (3)."""
    ordered = sorted(set(spec.stakes))
    return min(3, ordered.index(stake) + 1) if stake in ordered else 1


class ContestService:
    def __init__(self, bank: QuestionBank, settings: QuizSettings, clock: Clock | None = None) -> None:
        self.bank = bank
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        create_tables(bank.engine)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, Contest] = {}
        self._screens: dict[str, ScreenView] = {}
        self._teams: dict[str, tuple[str, int]] = {}
        self._listeners: list[Callable[[str], None]] = []
        self._rng = random.Random(settings.seed) if settings.seed is not None else random.SystemRandom()
        self.shared = bank.engine.dialect.name == "postgresql"
        """Several processes may serve these contests: actions under the row lock, changes announced."""
        self._origin = uuid.uuid4().hex[:12]
        self._loaded_at: dict[str, float] = {}
        self._feed: ChangeFeed | None = None

    def follow_other_processes(self) -> None:
        """PostgreSQL: hear the changes other processes make (their screens' wake-ups); SQLite: nothing."""
        if self.shared and self._feed is None:
            self._feed = ChangeFeed(self.bank.engine, self._origin, self._changed_elsewhere, self._forget_all)
            self._feed.start()

    def close(self) -> None:
        if self._feed is not None:
            self._feed.close()
            self._feed = None

    def _changed_elsewhere(self, code: str) -> None:
        with self._guard:
            self._cache.pop(code, None)
            self._screens.pop(code, None)
        self._notify(code)

    def _forget_all(self) -> None:
        with self._guard:
            codes = list(self._screens)
            self._cache.clear()
            self._screens.clear()
        for code in codes:
            self._notify(code)

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(contest_code)`` after every change (from the thread that made it; keep it quick)."""
        self._listeners.append(listener)

    # creating and listing ------------------------------------------------------------------------------
    def create(self, name: str, teams: Sequence[str], rounds: Sequence[RoundSpec] = (), unit: str = "") -> Contest:
        """A contest owned by ``unit`` (``""``: the city's)."""
        title = " ".join(name.split())
        unit = normalize_name(unit)  # as quiz.people stores a unit's name
        if len(unit) > 200:
            raise ContestError("单位名称过长（最多 200 字）。")
        if not title:
            raise ContestError("请填写竞赛名称。")
        if len(title) > MAX_CONTEST_NAME:
            raise ContestError(f"竞赛名称太长（最多 {MAX_CONTEST_NAME} 个字）。")
        names = validate_teams(teams)
        for _ in range(5):
            code = _new_contest_code()
            codes: list[str] = []
            while len(codes) < len(names):
                candidate = _new_team_code()
                if candidate not in codes:
                    codes.append(candidate)
            contest = Contest(code, title, [Team(i, n, c) for i, (n, c) in enumerate(zip(names, codes, strict=True))],
                              rounds, self.clock)
            try:
                with self.bank.session() as s, s.begin():
                    row = ContestRow(code=code, name=title, phase=contest.phase.value, version=contest.version,
                                     state=codec.to_json(contest), unit=unit)
                    s.add(row)
                    s.flush()
                    s.add_all(ContestTeamRow(code=t.code, contest_id=row.id, team=t.index, name=t.name)
                              for t in contest.teams)
            except IntegrityError:  # a code already taken: draw new ones
                log.info("contest or team code collision, drawing again")
                continue
            self._remember(contest)
            log.info("contest %s created: %s, %d teams", code, title, len(names))
            return contest
        raise ContestError("生成竞赛编号失败，请重试。")

    def create_standard(self, name: str, teams: Sequence[str], required: int, buzz: int, risk: int,
                        pick: QuestionPick | None = None, unit: str = "") -> Contest:
        """A contest of the usual rounds (``standard_rounds``: ``required`` 必答 per team, ``buzz`` 抢答 in all,
        ``risk`` 风险题 per team), scored and timed by the settings."""
        s = self.settings
        specs = standard_rounds(required, buzz, risk, pick or QuestionPick(), s.contest_points, s.contest_answer_seconds,
                                s.contest_buzz_seconds, s.contest_stakes)
        return self.create(name, teams, specs, unit)

    def laws(self) -> list[str]:
        """The laws the question bank has questions of (a contest round may draw from them)."""
        return [law for law, _ in self.bank.laws() if law]

    def contests(self, scope: Scope | None = None) -> list[ContestSummary]:
        """The contests, the most recently changed first; ``scope``: only those owned by a unit it covers."""
        stmt = select(ContestRow).order_by(ContestRow.updated_at.desc(), ContestRow.id.desc())
        if scope is not None and scope.units is not None:
            stmt = stmt.where(ContestRow.unit.in_(sorted(scope.units)))
        with self.bank.session() as s:
            rows = list(s.scalars(stmt))
        out = []
        for r in rows:
            live = None if self.shared else self._cache.get(r.code)
            phase = live.phase if live is not None else Phase(r.phase)
            state = r.state or {}
            updated = r.updated_at if r.updated_at.tzinfo else r.updated_at.replace(tzinfo=UTC)
            out.append(ContestSummary(r.code, r.name, phase, PHASE_NAMES[phase], len(state.get("teams") or ()),
                                      len(live.rounds) if live is not None else len(state.get("rounds") or ()),
                                      updated, r.unit or ""))
        return out

    def owner(self, code: str) -> str:
        """The unit that owns the contest (``""``: the city); ContestNotFound if there is none."""
        code = normalize_code(code)
        with self.bank.session() as s:
            unit = s.scalar(select(ContestRow.unit).where(ContestRow.code == code))
        if unit is None:
            raise ContestNotFound(f"没有编号为 {code or '（空）'} 的竞赛。")
        return unit

    def delete(self, code: str) -> None:
        code = normalize_code(code)
        with self._lock(code):
            with self.bank.session() as s, s.begin():
                row = s.scalar(select(ContestRow).where(ContestRow.code == code))
                if row is None:
                    raise ContestNotFound(f"没有编号为 {code} 的竞赛。")
                s.execute(delete(ContestTeamRow).where(ContestTeamRow.contest_id == row.id))
                s.delete(row)
                if self.shared:
                    announce(s.connection(), code, self._origin)
            with self._guard:
                self._cache.pop(code, None)
                self._screens.pop(code, None)
                self._teams = {k: v for k, v in self._teams.items() if v[0] != code}

    # reading -------------------------------------------------------------------------------------------
    def get(self, code: str) -> Contest:
        """The live contest (read it, do not change it: changes go through the actions below)."""
        code = normalize_code(code)
        with self._lock(code):
            if self.shared:
                self._cache.pop(code, None)
            return self._load(code)

    def cached_screen(self, code: str) -> ScreenView | None:
        """The public view if the contest is loaded (never waits, never reads the database); on PostgreSQL
        None once it is older than ``SHARED_VIEW_TTL_S``."""
        code = normalize_code(code)
        if self.shared and time.monotonic() - self._loaded_at.get(code, 0.0) > SHARED_VIEW_TTL_S:
            return None
        return self._screens.get(code)

    def screen(self, code: str) -> ScreenView:
        """The public view (no key before the reveal), without waiting for a lock once loaded."""
        code = normalize_code(code)
        view = self.cached_screen(code)
        if view is None:
            with self._lock(code):
                if self.shared:
                    self._cache.pop(code, None)
                contest = self._load(code)
                # another process's change may drop the cached view at any moment (the change feed's thread)
                view = self._screens.get(code) or screen_view(contest)
        return view

    def version(self, code: str) -> int:
        return self.screen(code).version

    def host(self, code: str) -> HostView:
        return host_view(self.get(code))

    def team(self, team_code: str) -> TeamEntry:
        contest_code, index = self._team(team_code)
        view = self.screen(contest_code)
        contest = self.get(contest_code)
        return TeamEntry(contest_code, view.name, index, contest.teams[index].name)

    # host actions --------------------------------------------------------------------------------------
    def add_round(self, code: str, spec: RoundSpec) -> int:
        return self._act(code, lambda c: c.add_round(spec))

    def start_round(self, code: str, index: int) -> None:
        self._act(code, lambda c: c.start_round(index))

    def draw(self, code: str, stake: int | None = None) -> Asked:
        """Show the next question: drawn at random from the bank by the round's laws, types and
        difficulty, never one this contest has asked before."""

        def act(c: Contest) -> Asked:
            spec = c.round
            if spec is None:
                raise ContestError("请先开始一轮（选择轮次后点“开始本轮”）。")
            c.check_show(stake)
            return c.show(self._pick(c, spec, stake), stake)

        return self._act(code, act)

    def open_buzz(self, code: str) -> None:
        self._act(code, lambda c: c.open_buzz())

    def judge(self, code: str, given: Given, correct: bool | None = None) -> Attempt:
        return self._act(code, lambda c: c.judge(given, correct))

    def decide(self, code: str, choice: str | None = None, picks: Sequence[str] | None = None,
               text: str | None = None, correct: bool | None = None) -> Attempt:
        """The host's judgement of the question on screen: ``correct`` None grades the answer entered (by the
        question's type, ``entered_answer``), True/False decides it; once judged or revealed, True/False
        overrides the judgement. Out of turn: the phase error of ``judge``."""
        view = self.screen(code)
        if view.phase in (Phase.JUDGED, Phase.REVEALED) and correct is not None:
            return self.override(code, correct)
        if view.phase != Phase.ANSWERING or view.question is None:
            return self.judge(code, "", correct)  # raises the phase error
        return self.judge(code, entered_answer(view.question.type, choice, picks, text), correct)

    def override(self, code: str, correct: bool) -> Attempt:
        attempt = self._act(code, lambda c: c.override(correct))
        log.info("contest %s: the host judged team %d's answer %s", code, attempt.team, "right" if correct else "wrong")
        return attempt

    def reveal(self, code: str) -> None:
        self._act(code, lambda c: c.reveal())

    def void(self, code: str, reason: str) -> None:
        self._act(code, lambda c: c.void(reason))
        log.info("contest %s: question voided (%s)", code, reason.strip()[:200])

    def adjust(self, code: str, team: int, delta: int, reason: str) -> None:
        self._act(code, lambda c: c.adjust(team, delta, reason))
        log.info("contest %s: team %d %+d points (%s)", code, team, delta, reason.strip()[:200])

    def finish(self, code: str) -> None:
        self._act(code, lambda c: c.finish())

    # buzzers -------------------------------------------------------------------------------------------
    def buzz(self, team_code: str) -> BuzzReply:
        """A team's press: judged in the order presses take the contest's lock, stamped on arrival."""
        contest_code, index = self._team(team_code)
        # a late press only shows on the screens: it is written with the next change, not on its own
        result: BuzzResult = self._act(contest_code, lambda c: c.buzz(index),
                                       save=lambda r: r.outcome == BuzzOutcome.WON)
        view = self.screen(contest_code)
        names = {s.team: s.name for s in view.scores}
        winner = result.winner
        return BuzzReply(result.outcome.value, contest_code, index, names.get(index, ""), winner,
                         names.get(winner, "") if winner is not None else "", result.behind_ms)

    # results -------------------------------------------------------------------------------------------
    def export(self, code: str, path: Path) -> Path:
        """The results as ``.xlsx`` or ``.csv`` (by the path's suffix): every question, answer, judgement
        and score, the manual adjustments and the buzzer presses."""
        contest = self.get(code)
        with self._lock(contest.code):
            snapshot = codec.from_json(contest.code, contest.name, codec.to_json(contest), self.clock)
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            export_xlsx(snapshot, path)
        elif suffix == ".csv":
            export_csv(snapshot, path)
        else:
            raise ContestError(f"不支持的导出格式：{suffix or '（无扩展名）'}；请用 .xlsx 或 .csv。")
        return path

    # internals -----------------------------------------------------------------------------------------
    def _lock(self, code: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(code, threading.Lock())

    def _load(self, code: str) -> Contest:
        """The cached contest, read from the database the first time (call with its lock held)."""
        contest = self._cache.get(code)
        if contest is not None:
            return contest
        with self.bank.session() as s:
            row = s.scalar(select(ContestRow).where(ContestRow.code == code))
            if row is None:
                raise ContestNotFound(f"没有编号为 {code or '（空）'} 的竞赛。")
            contest = codec.from_json(row.code, row.name, row.state, self.clock)
        self._remember(contest)
        return contest

    def _remember(self, contest: Contest) -> None:
        with self._guard:
            self._cache[contest.code] = contest
            self._screens[contest.code] = screen_view(contest)
            self._loaded_at[contest.code] = time.monotonic()

    def _act_shared(self, code: str, action: Callable[[Contest], T]) -> T:
        """``_act`` for several processes: the transition under the row's lock, written and announced in the
        transaction that read it (a refusal or a failure rolls it back and changes nothing)."""
        with self._lock(code):
            with self.bank.session() as s, s.begin():
                row = s.scalar(select(ContestRow).where(ContestRow.code == code).with_for_update())
                if row is None:
                    raise ContestNotFound(f"没有编号为 {code or '（空）'} 的竞赛。")
                contest = codec.from_json(row.code, row.name, row.state, self.clock)
                before = contest.version
                result = action(contest)
                changed = contest.version != before
                if changed:
                    s.execute(self._update(contest))
                    announce(s.connection(), code, self._origin)
            self._remember(contest)
        if changed:
            self._notify(code)
        return result

    def _act(self, code: str, action: Callable[[Contest], T], save: Callable[[T], bool] | None = None) -> T:
        code = normalize_code(code)
        if self.shared:
            return self._act_shared(code, action)
        with self._lock(code):
            contest = self._load(code)
            before = contest.version
            try:
                result = action(contest)
                if contest.version != before and (save is None or save(result)):
                    self._save(contest)
            except Exception as exc:
                # a refusal changes nothing; anything else: the database holds the state before the action
                if contest.version != before or not isinstance(exc, ContestError):
                    with self._guard:
                        self._cache.pop(code, None)
                raise
            if contest.version != before:
                self._remember(contest)
                self._notify(code)
            return result

    def _notify(self, code: str) -> None:
        for listener in self._listeners:
            try:
                listener(code)
            except Exception:  # a screen's wake-up must never undo a host's action
                log.exception("contest listener failed")

    def _save(self, contest: Contest) -> None:
        with self.bank.session() as s, s.begin():
            s.execute(self._update(contest))

    @staticmethod
    def _update(contest: Contest) -> Update:
        return (
            update(ContestRow)
            .where(ContestRow.code == contest.code)
            .values(state=codec.to_json(contest), version=contest.version, phase=contest.phase.value,
                    updated_at=datetime.fromtimestamp(contest.updated_at, UTC))
        )

    def _team(self, team_code: str) -> tuple[str, int]:
        code = "".join(ch for ch in str(team_code) if ch.isdigit())[:16]
        found = self._teams.get(code)
        if found is not None:
            return found
        if code:
            stmt = (select(ContestRow.code, ContestTeamRow.team)
                    .join(ContestRow, ContestRow.id == ContestTeamRow.contest_id)
                    .where(ContestTeamRow.code == code))
            with self.bank.session() as s:
                row = s.execute(stmt).first()
            if row is not None:
                with self._guard:
                    self._teams[code] = (row[0], int(row[1]))
                return row[0], int(row[1])
        raise ContestNotFound(f"队伍码 {code or '（空）'} 不存在，请核对主持人给出的 {TEAM_CODE_DIGITS} 位数字。")

    def _pick(self, contest: Contest, spec: RoundSpec, stake: int | None) -> Question:
        statuses = ((ReviewStatus.APPROVED,) if self.settings.contest_approved_only
                    else (ReviewStatus.APPROVED, ReviewStatus.DRAFT))
        base = QuestionFilter(laws=spec.pick.laws, types=spec.pick.types, difficulty=spec.pick.difficulty,
                              statuses=statuses, needs_review=False)
        asked = contest.asked_ids()
        tries = [base]
        if spec.kind == RoundKind.RISK and stake is not None and not spec.pick.difficulty:
            tries.insert(0, QuestionFilter(laws=base.laws, types=base.types, statuses=statuses, needs_review=False,
                                           difficulty=(stake_difficulty(spec, stake),)))
        for where in tries:
            pool = [q for q in self.bank.list(where) if q.id not in asked]
            if pool:
                return self._rng.choice(pool)
        laws = "、".join(spec.pick.laws) or "全部"
        types = "、".join(QUESTION_TYPE_NAMES.get(t, t) for t in spec.pick.types) or "全部"
        levels = "、".join(str(d) for d in spec.pick.difficulty) or "全部"
        raise ContestError(
            f"题库中没有符合本轮条件且本场未出过的题（法律：{laws}；题型：{types}；难度：{levels}；"
            f"本场已出 {len(asked)} 题）。请先补充题库，或放宽本轮的出题条件。"
        )
