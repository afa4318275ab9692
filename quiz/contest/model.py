"""A knowledge contest (知识竞赛) as plain data: teams, rounds, the questions asked and what happened.

Round kinds: 必答 (each team in turn answers its own question), 抢答 (the first team to buzz answers),
风险题 (the team in turn picks a stake, e.g. 10/20/30 points, won when right and lost when wrong).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from quiz.models import Question, QuestionType


class ContestError(ValueError):
    """An action the contest cannot take; the message (Chinese) says why, for the host."""


class IllegalTransition(ContestError):
    """An action that does not fit the contest's current phase."""


class RoundKind(StrEnum):
    REQUIRED = "required"
    BUZZ = "buzz"
    RISK = "risk"


ROUND_KIND_NAMES: dict[RoundKind, str] = {
    RoundKind.REQUIRED: "必答题",
    RoundKind.BUZZ: "抢答题",
    RoundKind.RISK: "风险题",
}


class Phase(StrEnum):
    IDLE = "idle"
    """No question on screen: before a round, between questions."""
    SHOWN = "shown"
    """抢答: the question is read out; buzzing is not open yet."""
    BUZZING = "buzzing"
    """抢答: the buzz window is open until its deadline."""
    ANSWERING = "answering"
    """A team answers, against the answer countdown."""
    JUDGED = "judged"
    """The answer is judged and scored; the key is still hidden."""
    REVEALED = "revealed"
    """The key and the article are on screen."""
    FINISHED = "finished"


PHASE_NAMES: dict[Phase, str] = {
    Phase.IDLE: "等待出题",
    Phase.SHOWN: "读题中（未开放抢答）",
    Phase.BUZZING: "抢答中",
    Phase.ANSWERING: "答题中",
    Phase.JUDGED: "已判定",
    Phase.REVEALED: "已揭晓答案",
    Phase.FINISHED: "竞赛已结束",
}

OBJECTIVE_TYPES: frozenset[str] = frozenset({"single", "multi", "judge", "blank"})
"""Types judged automatically from the answer the host enters; 简答/案例分析 are judged by the host."""


class BuzzOutcome(StrEnum):
    WON = "won"
    EARLY = "early"
    """Before the host opened buzzing: ignored."""
    LATE = "late"
    """After another team won, or after the window closed: ignored."""
    DOUBLE = "double"
    """The team already pressed in this window: ignored."""
    ANSWERED = "answered"
    """The team already answered this question (buzzing re-opened after a wrong answer): ignored."""
    CLOSED = "closed"
    """No 抢答 question is on: ignored."""


@dataclass(frozen=True)
class QuestionPick:
    """Which bank questions a round draws from (empty: any)."""

    laws: tuple[str, ...] = ()
    types: tuple[QuestionType, ...] = ()
    difficulty: tuple[int, ...] = ()


@dataclass(frozen=True)
class RoundSpec:
    """One round. ``questions``: per team for 必答 and 风险题, in all for 抢答.

    ``points``/``penalty``: won when right / lost when wrong (风险题: the stake both ways). ``stakes``: the
    stakes a team may pick in a 风险题 round.
    """

    kind: RoundKind
    name: str = ""
    questions: int = 1
    points: int = 10
    penalty: int = 0
    answer_seconds: int = 30
    buzz_seconds: int = 10
    stakes: tuple[int, ...] = (10, 20, 30)
    pick: QuestionPick = QuestionPick()

    @property
    def title(self) -> str:
        return self.name or ROUND_KIND_NAMES[self.kind]

    def planned(self, teams: int) -> int:
        """How many questions the round asks."""
        return self.questions if self.kind == RoundKind.BUZZ else self.questions * teams


@dataclass(frozen=True)
class Team:
    index: int
    name: str
    code: str
    """What the team's phone types to join as this team's buzzer (never shown on the big screen)."""


@dataclass
class Press:
    """A buzzer press the server accepted in order: the winner, or a later press it told it was late."""

    team: int
    window: int
    outcome: BuzzOutcome
    at: float
    """Monotonic time at receipt."""
    behind_ms: int = 0
    """How long after the window's winner it came."""
    after_open_ms: int = 0
    """The winner's reaction: how long after the window opened it came."""
    wall: float = 0.0
    """Wall time at receipt (the monotonic ``at`` means nothing to another process)."""
    loaded: bool = False
    """Read back from the database (taken by an earlier process): compare by ``wall``."""


@dataclass
class Attempt:
    """One team's answer to a question: what it said, how it was judged, what it scored."""

    team: int
    given: str | bool | list[str]
    auto: bool | None
    """The automatic judgement (None for 简答/案例分析)."""
    correct: bool
    points: int
    at: float
    overridden: bool = False
    """The host's judgement differs from the automatic one."""


@dataclass
class Asked:
    """A question put to the contest, with everything that happened to it."""

    number: int
    round: int
    question: Question
    team: int | None
    """The team whose turn it is (必答/风险题); for 抢答 None, the buzz winners answer."""
    stake: int | None
    shown_at: float
    presses: list[Press] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    window: int = 0
    """Buzz windows opened so far for this question."""
    revealed: bool = False
    voided: str = ""
    """Why the host voided the question (it then scores nothing and does not count for the round)."""

    @property
    def question_id(self) -> int:
        assert self.question.id is not None
        return self.question.id

    @property
    def answered_by(self) -> set[int]:
        return {a.team for a in self.attempts}

    def points_of(self, team: int) -> int:
        return 0 if self.voided else sum(a.points for a in self.attempts if a.team == team)


@dataclass
class Adjustment:
    """A manual change of a team's score, with its reason."""

    team: int
    delta: int
    reason: str
    at: float


@dataclass(frozen=True)
class Score:
    team: int
    name: str
    score: int
    rank: int
    right: int
    wrong: int
    adjusted: int


RISK_ANSWER_TIME_FACTOR = 2
"""A 风险题 gets this many times the usual answer time: the team has staked its points on it."""


def standard_rounds(required: int, buzz: int, risk: int, pick: QuestionPick, points: int, answer_seconds: int,
                    buzz_seconds: int, stakes: Sequence[int]) -> list[RoundSpec]:
    """The usual contest: ``required`` 必答 questions per team, ``buzz`` 抢答 in all, ``risk`` 风险题 per team
    (0: no such round), each round drawing its questions by ``pick``."""
    rounds = []
    if required > 0:
        rounds.append(RoundSpec(RoundKind.REQUIRED, "必答题", required, points, 0, answer_seconds, buzz_seconds,
                                tuple(stakes), pick))
    if buzz > 0:
        rounds.append(RoundSpec(RoundKind.BUZZ, "抢答题", buzz, points, points, answer_seconds, buzz_seconds,
                                tuple(stakes), pick))
    if risk > 0:
        rounds.append(RoundSpec(RoundKind.RISK, "风险题", risk, points, 0, answer_seconds * RISK_ANSWER_TIME_FACTOR, buzz_seconds,
                                tuple(stakes), pick))
    return rounds
