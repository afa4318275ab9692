"""The contest state machine: pure Python, time from an injected clock, every change bumps ``version``.

Phases of a question::

    idle ──show──▶ answering (必答, 风险题: the team in turn; the answer countdown starts)
    idle ──show──▶ shown ──open_buzz──▶ buzzing ──first press──▶ answering   (抢答)
    answering ──judge──▶ judged ──reveal──▶ revealed ──show──▶ …
    judged (wrong, 抢答) ──open_buzz──▶ buzzing  (the other teams may buzz again)
    shown / buzzing (nobody answered) ──reveal──▶ revealed
    shown … judged ──void──▶ idle        idle / revealed ──finish──▶ finished

Any other action raises ``IllegalTransition`` naming the phase and what to do instead.

Buzz order is the order in which presses reach ``buzz`` (the service calls it under a lock, so that is
the order of arrival); each press is stamped with the clock's monotonic time at receipt. Presses before
buzzing opens, after the window's deadline or after a winner, and a team's second press are ignored and
reported as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from quiz.contest.clock import Clock, SystemClock
from quiz.contest.model import (
    OBJECTIVE_TYPES,
    PHASE_NAMES,
    ROUND_KIND_NAMES,
    Adjustment,
    Asked,
    Attempt,
    BuzzOutcome,
    ContestError,
    IllegalTransition,
    Phase,
    Press,
    RoundKind,
    RoundSpec,
    Score,
    Team,
)
from quiz.grading import Given, grade
from quiz.models import Question

MAX_TEAMS = 20
MAX_NAME = 30
MAX_REASON = 200
QUESTION_PHASES = (Phase.SHOWN, Phase.BUZZING, Phase.ANSWERING, Phase.JUDGED, Phase.REVEALED)


@dataclass(frozen=True)
class BuzzResult:
    outcome: BuzzOutcome
    team: int
    winner: int | None = None
    """The team that holds the window (the presser itself when it won)."""
    behind_ms: int = 0


def validate_teams(names: Sequence[str]) -> list[str]:
    cleaned = [n.strip() for n in names if n.strip()]
    if len(cleaned) < 2:
        raise ContestError("至少需要两支队伍（每行一个队名）。")
    if len(cleaned) > MAX_TEAMS:
        raise ContestError(f"队伍太多：最多 {MAX_TEAMS} 支，现有 {len(cleaned)} 支。")
    too_long = [n for n in cleaned if len(n) > MAX_NAME]
    if too_long:
        raise ContestError(f"队名太长（最多 {MAX_NAME} 个字）：{too_long[0][:40]}")
    seen: set[str] = set()
    for n in cleaned:
        if n in seen:
            raise ContestError(f"队名重复：{n}")
        seen.add(n)
    return cleaned


def validate_round(spec: RoundSpec) -> RoundSpec:
    where = f"轮次“{spec.title}”"
    if not 1 <= spec.questions <= 200:
        raise ContestError(f"{where}：题数须在 1 到 200 之间。")
    if not 0 <= spec.points <= 1000 or not 0 <= spec.penalty <= 1000:
        raise ContestError(f"{where}：分值和扣分须在 0 到 1000 之间。")
    if not 5 <= spec.answer_seconds <= 600:
        raise ContestError(f"{where}：答题时间须在 5 到 600 秒之间。")
    if spec.kind == RoundKind.BUZZ and not 1 <= spec.buzz_seconds <= 120:
        raise ContestError(f"{where}：抢答时间须在 1 到 120 秒之间。")
    if spec.kind == RoundKind.RISK and (not spec.stakes or any(not 0 < s <= 1000 for s in spec.stakes)):
        raise ContestError(f"{where}：风险题须有分值档位（1 到 1000 之间的正数，如 10,20,30）。")
    if len(spec.name) > MAX_NAME:
        raise ContestError(f"{where}：轮次名称最多 {MAX_NAME} 个字。")
    return spec


class Contest:
    def __init__(
        self,
        code: str,
        name: str,
        teams: Sequence[Team],
        rounds: Iterable[RoundSpec] = (),
        clock: Clock | None = None,
        created_at: float | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.code = code
        self.name = name
        self.teams = list(teams)
        self.rounds: list[RoundSpec] = [validate_round(r) for r in rounds]
        self.phase = Phase.IDLE
        self.round_index: int | None = None
        self.asked: list[Asked] = []
        self.adjustments: list[Adjustment] = []
        self.deadline: float | None = None
        """Wall time the running countdown (answer or buzz window) ends at."""
        self.countdown: float = 0.0
        """Length of the running countdown in seconds."""
        self.answering: int | None = None
        self.window_opened: float | None = None
        self.window_opened_wall: float | None = None
        """When the buzz window opened by the wall clock: stored, so a process that reads the contest back
        (a restart, another worker) measures the winner's reaction from it."""
        """Monotonic time the current buzz window opened."""
        self.version = 0
        self.created_at = created_at if created_at is not None else self.clock.wall()
        self.updated_at = self.created_at

    # reading -----------------------------------------------------------------------------------------
    @property
    def round(self) -> RoundSpec | None:
        return self.rounds[self.round_index] if self.round_index is not None else None

    @property
    def current(self) -> Asked | None:
        """The question on screen (None between questions)."""
        return self.asked[-1] if self.phase in QUESTION_PHASES and self.asked else None

    @property
    def finished(self) -> bool:
        return self.phase == Phase.FINISHED

    def team(self, index: int) -> Team:
        if not 0 <= index < len(self.teams):
            raise ContestError(f"没有第 {index + 1} 支队伍。")
        return self.teams[index]

    def asked_in_round(self, index: int) -> list[Asked]:
        return [a for a in self.asked if a.round == index and not a.voided]

    def planned(self, index: int) -> int:
        return self.rounds[index].planned(len(self.teams))

    def round_done(self, index: int) -> bool:
        return len(self.asked_in_round(index)) >= self.planned(index)

    def turn(self) -> int | None:
        """The team the next 必答/风险题 question goes to."""
        spec = self.round
        if spec is None or spec.kind == RoundKind.BUZZ or self.round_index is None:
            return None
        return len(self.asked_in_round(self.round_index)) % len(self.teams)

    def asked_ids(self) -> set[int]:
        return {a.question_id for a in self.asked}

    def buzz_closed(self) -> bool:
        """The buzz window's time is up (presses are late from now on)."""
        return self.phase == Phase.BUZZING and self.deadline is not None and self.clock.wall() > self.deadline

    def scores(self) -> list[Score]:
        totals = []
        for t in self.teams:
            right = sum(1 for a in self.asked if not a.voided for x in a.attempts if x.team == t.index and x.correct)
            wrong = sum(1 for a in self.asked if not a.voided for x in a.attempts if x.team == t.index and not x.correct)
            adjusted = sum(j.delta for j in self.adjustments if j.team == t.index)
            score = sum(a.points_of(t.index) for a in self.asked) + adjusted
            totals.append((t, score, right, wrong, adjusted))
        ordered = sorted(totals, key=lambda x: (-x[1], x[0].index))
        out: list[Score] = []
        for position, (t, score, right, wrong, adjusted) in enumerate(ordered, start=1):
            rank = out[-1].rank if out and out[-1].score == score else position
            out.append(Score(t.index, t.name, score, rank, right, wrong, adjusted))
        return out

    # transitions ---------------------------------------------------------------------------------------
    def add_round(self, spec: RoundSpec) -> int:
        if self.finished:
            raise IllegalTransition("竞赛已结束，不能再添加轮次。")
        self.rounds.append(validate_round(spec))
        self._changed()
        return len(self.rounds) - 1

    def start_round(self, index: int) -> None:
        self._require((Phase.IDLE, Phase.REVEALED), "开始新的一轮", "请先揭晓或作废当前题目。")
        if not 0 <= index < len(self.rounds):
            raise ContestError(f"没有第 {index + 1} 轮（共 {len(self.rounds)} 轮）。")
        if self.round_done(index):
            raise ContestError(f"第 {index + 1} 轮“{self.rounds[index].title}”的题已经出完。")
        self.round_index = index
        self.phase = Phase.IDLE
        self._clear_countdown()
        self._changed()

    def check_show(self, stake: int | None = None) -> None:
        """Raise what ``show`` would raise before it looks at the question (phase, round, stake)."""
        self._require((Phase.IDLE, Phase.REVEALED), "出题", "请先判定并揭晓当前题目。")
        spec, index = self.round, self.round_index
        if spec is None or index is None:
            raise ContestError("请先开始一轮（选择轮次后点“开始本轮”）。")
        if self.round_done(index):
            raise ContestError(f"本轮“{spec.title}”的 {self.planned(index)} 道题已经出完，请开始下一轮或结束竞赛。")
        if spec.kind == RoundKind.RISK:
            if stake is None:
                raise ContestError(f"风险题须先选择分值：{'/'.join(map(str, spec.stakes))}。")
            if stake not in spec.stakes:
                raise ContestError(f"分值 {stake} 不在本轮可选的档位内：{'/'.join(map(str, spec.stakes))}。")
        elif stake is not None:
            raise ContestError(f"{ROUND_KIND_NAMES[spec.kind]}不选分值。")

    def show(self, question: Question, stake: int | None = None) -> Asked:
        """Put a question on screen (必答/风险题: to the team in turn, with the answer countdown)."""
        self.check_show(stake)
        spec, index = self.round, self.round_index
        assert spec is not None and index is not None
        if question.id is None:
            raise ContestError("题目不在题库中（没有编号），不能出题。")
        if question.id in self.asked_ids():
            raise ContestError(f"题库第 {question.id} 题本场已经出过，不能重复。")
        team = self.turn()
        asked = Asked(number=len(self.asked) + 1, round=index, question=question, team=team, stake=stake,
                      shown_at=self.clock.wall())
        self.asked.append(asked)
        if spec.kind == RoundKind.BUZZ:
            self.phase = Phase.SHOWN
            self.answering = None
            self._clear_countdown()
        else:
            self.phase = Phase.ANSWERING
            self.answering = team
            self._start_countdown(spec.answer_seconds)
        self._changed()
        return asked

    def open_buzz(self) -> None:
        """Open the buzz window (again, after a wrong answer: for the teams that have not answered)."""
        spec, asked = self.round, self.current
        if spec is None or asked is None or spec.kind != RoundKind.BUZZ:
            raise IllegalTransition(f"当前{self._phase_name()}，没有抢答题，不能开放抢答。")
        if self.phase == Phase.JUDGED:
            if asked.attempts and asked.attempts[-1].correct:
                raise IllegalTransition("本题已答对，不能再开放抢答；请揭晓答案。")
            if len(asked.answered_by) >= len(self.teams):
                raise IllegalTransition("所有队伍都已答过本题，请揭晓答案。")
        else:
            self._require((Phase.SHOWN,), "开放抢答", "")
        asked.window += 1
        self.phase = Phase.BUZZING
        self.answering = None
        self.window_opened = self.clock.monotonic()
        self.window_opened_wall = self.clock.wall()
        self._start_countdown(spec.buzz_seconds)
        self._changed()

    def buzz(self, team: int) -> BuzzResult:
        """A team's buzzer press, at the moment it reaches the server."""
        self.team(team)
        at = self.clock.monotonic()
        asked = self.current
        spec = self.round
        if asked is None or spec is None or spec.kind != RoundKind.BUZZ:
            return BuzzResult(BuzzOutcome.CLOSED, team)
        if self.phase == Phase.SHOWN:
            return BuzzResult(BuzzOutcome.EARLY, team)
        if asked.window == 0 or self.phase == Phase.REVEALED:
            return BuzzResult(BuzzOutcome.CLOSED, team)
        window = [p for p in asked.presses if p.window == asked.window]
        winner = next((p for p in window if p.outcome == BuzzOutcome.WON), None)
        if any(p.team == team for p in window):
            return BuzzResult(BuzzOutcome.DOUBLE, team, winner.team if winner else None)
        if team in asked.answered_by:
            return BuzzResult(BuzzOutcome.ANSWERED, team, winner.team if winner else None)
        wall = self.clock.wall()
        if winner is not None:
            gap = (wall - winner.wall) if winner.loaded else (at - winner.at)
            behind = max(0, round(gap * 1000))
            asked.presses.append(Press(team, asked.window, BuzzOutcome.LATE, at, behind, wall=wall))
            self._changed()
            return BuzzResult(BuzzOutcome.LATE, team, winner.team, behind)
        if self.phase != Phase.BUZZING or self.buzz_closed():
            return BuzzResult(BuzzOutcome.LATE, team)
        opened = self.window_opened if self.window_opened is not None else at
        asked.presses.append(Press(team, asked.window, BuzzOutcome.WON, at, 0, max(0, round((at - opened) * 1000)),
                                   wall=wall))
        self.phase = Phase.ANSWERING
        self.answering = team
        self._start_countdown(spec.answer_seconds)
        self._changed()
        return BuzzResult(BuzzOutcome.WON, team, team)

    def judge(self, given: Given, correct: bool | None = None) -> Attempt:
        """Record the answering team's answer: judged automatically for objective types; ``correct`` is the
        host's judgement (required for 简答/案例分析, an override otherwise)."""
        self._require((Phase.ANSWERING,), "判定", "")
        asked, spec = self.current, self.round
        assert asked is not None and spec is not None and self.answering is not None
        question = asked.question
        result = grade(question, given)
        auto = result.correct if question.type in OBJECTIVE_TYPES else None
        if auto is None and correct is None:
            raise ContestError("简答题、案例分析题由主持人判定：请点“判为正确”或“判为错误”。")
        final = auto if correct is None else correct
        assert final is not None
        shown: str | bool | list[str] = result.given
        attempt = Attempt(team=self.answering, given=shown, auto=auto, correct=final,
                          points=self._points(spec, asked, final), at=self.clock.wall(),
                          overridden=auto is not None and auto != final)
        asked.attempts.append(attempt)
        self.phase = Phase.JUDGED
        self._clear_countdown()
        self._changed()
        return attempt

    def override(self, correct: bool) -> Attempt:
        """The host changes the judgement of the last answer to the question on screen."""
        self._require((Phase.JUDGED, Phase.REVEALED), "改判", "只能改判当前题目已判定的回答。")
        asked, spec = self.current, self.round
        assert asked is not None and spec is not None
        if not asked.attempts:
            raise IllegalTransition("本题还没有队伍作答，无从改判。")
        attempt = asked.attempts[-1]
        attempt.correct = correct
        attempt.points = self._points(spec, asked, correct)
        attempt.overridden = attempt.auto is not None and attempt.auto != correct
        self._changed()
        return attempt

    def reveal(self) -> None:
        spec = self.round
        if self.phase in (Phase.SHOWN, Phase.BUZZING) and spec is not None and spec.kind == RoundKind.BUZZ:
            pass  # nobody buzzed (or nobody else after a wrong answer)
        else:
            self._require((Phase.JUDGED,), "揭晓答案", "请先判定答题队伍的回答。")
        asked = self.current
        assert asked is not None
        asked.revealed = True
        self.phase = Phase.REVEALED
        self.answering = None
        self._clear_countdown()
        self._changed()

    def void(self, reason: str) -> None:
        """Take the question on screen back: it scores nothing and another one takes its place."""
        self._require((Phase.SHOWN, Phase.BUZZING, Phase.ANSWERING, Phase.JUDGED), "作废题目",
                      "答案揭晓后不能作废；可以用分数调整更正。")
        text = reason.strip()[:MAX_REASON]
        if not text:
            raise ContestError("作废题目须写明原因。")
        asked = self.current
        assert asked is not None
        asked.voided = text
        self.phase = Phase.IDLE
        self.answering = None
        self._clear_countdown()
        self._changed()

    def adjust(self, team: int, delta: int, reason: str) -> Adjustment:
        """A manual score change; every one is kept with its reason and time."""
        self.team(team)
        if delta == 0:
            raise ContestError("调整分值不能为 0。")
        if abs(delta) > 10_000:
            raise ContestError("调整分值过大（绝对值最多 10000）。")
        text = reason.strip()[:MAX_REASON]
        if not text:
            raise ContestError("分数调整须写明原因。")
        adjustment = Adjustment(team, delta, text, self.clock.wall())
        self.adjustments.append(adjustment)
        self._changed()
        return adjustment

    def finish(self) -> None:
        self._require((Phase.IDLE, Phase.REVEALED), "结束竞赛", "请先揭晓或作废当前题目。")
        self.phase = Phase.FINISHED
        self.answering = None
        self._clear_countdown()
        self._changed()

    # helpers -------------------------------------------------------------------------------------------
    def _points(self, spec: RoundSpec, asked: Asked, correct: bool) -> int:
        if spec.kind == RoundKind.RISK:
            stake = asked.stake or 0
            return stake if correct else -stake
        return spec.points if correct else -spec.penalty

    def _phase_name(self) -> str:
        return PHASE_NAMES[self.phase]

    def _require(self, phases: tuple[Phase, ...], action: str, hint: str) -> None:
        if self.phase == Phase.FINISHED:
            raise IllegalTransition(f"竞赛已结束，不能{action}。")
        if self.phase not in phases:
            raise IllegalTransition(f"当前{self._phase_name()}，不能{action}。{hint}".strip())

    def _start_countdown(self, seconds: float) -> None:
        self.countdown = float(seconds)
        self.deadline = self.clock.wall() + seconds

    def _clear_countdown(self) -> None:
        self.countdown = 0.0
        self.deadline = None

    def _changed(self) -> None:
        self.version += 1
        self.updated_at = self.clock.wall()
