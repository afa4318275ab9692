"""What the big screen, the buzzers and the host see of a contest, as plain data.

``screen_view`` is public: it never carries the key or the explanation of a question before the host
reveals it, nor the teams' buzzer codes. ``host_view`` adds both for the host console.
"""

from __future__ import annotations

from dataclasses import dataclass

from quiz.contest.machine import Contest
from quiz.contest.model import (
    PHASE_NAMES,
    ROUND_KIND_NAMES,
    Adjustment,
    Asked,
    BuzzOutcome,
    Phase,
    RoundKind,
    Score,
    Team,
)
from quiz.models import LETTERS, QUESTION_TYPE_NAMES
from quiz.source import citation_label


@dataclass(frozen=True)
class OptionView:
    letter: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    number: int
    """Position in the contest (1-based)."""
    in_round: int
    type: str
    type_name: str
    stem: str
    options: tuple[OptionView, ...]
    law: str
    difficulty: int


@dataclass(frozen=True)
class KeyView:
    """The key of a question: option letters (单选/多选), True/False (判断) or text; its article."""

    answer: str | bool
    keys: tuple[str, ...]
    key_points: tuple[str, ...]
    explanation: str
    sources: tuple[str, ...]
    """``《中华人民共和国行政强制法》第二十五条``."""


@dataclass(frozen=True)
class AttemptView:
    team: int
    team_name: str
    given: str | bool | list[str]
    correct: bool
    points: int
    overridden: bool


@dataclass(frozen=True)
class PressView:
    team: int
    team_name: str
    outcome: BuzzOutcome
    behind_ms: int
    after_open_ms: int


@dataclass(frozen=True)
class RoundView:
    index: int
    title: str
    kind: RoundKind
    kind_name: str
    planned: int
    asked: int
    points: int
    penalty: int
    stakes: tuple[int, ...]
    answer_seconds: int
    buzz_seconds: int


@dataclass(frozen=True)
class ScreenView:
    code: str
    name: str
    version: int
    phase: Phase
    phase_name: str
    round: RoundView | None
    rounds_total: int
    team: int | None
    """The team answering (or, between 必答/风险题 questions, the team whose turn is next)."""
    team_name: str
    stake: int | None
    deadline: float | None
    """Wall time (epoch seconds) the running countdown ends; screens count down from the server's time."""
    countdown: float
    question: QuestionView | None
    presses: tuple[PressView, ...]
    attempts: tuple[AttemptView, ...]
    key: KeyView | None
    scores: tuple[Score, ...]
    round_done: bool

    @property
    def question_on(self) -> bool:
        """A question is on and not judged yet: the answering team's answer may be entered (a buzz may come
        in without the host's doing)."""
        return self.phase in (Phase.SHOWN, Phase.BUZZING, Phase.ANSWERING)

    @property
    def choosing_stake(self) -> bool:
        """Between the questions of a 风险题 round: the team in turn picks its stake."""
        return (self.round is not None and self.round.kind == RoundKind.RISK
                and self.phase in (Phase.IDLE, Phase.REVEALED))

    @property
    def winner(self) -> PressView | None:
        """The press that won the buzz, if any."""
        return next((p for p in self.presses if p.outcome == BuzzOutcome.WON), None)

    def seconds_left(self, now: float) -> float | None:
        """Seconds of the running buzz or answer countdown left at ``now`` (epoch seconds); None: none runs."""
        if self.deadline is None or self.phase not in (Phase.BUZZING, Phase.ANSWERING):
            return None
        return max(0.0, self.deadline - now)


@dataclass(frozen=True)
class AskedView:
    number: int
    round_title: str
    stem: str
    voided: str
    attempts: tuple[AttemptView, ...]


@dataclass(frozen=True)
class HostView:
    screen: ScreenView
    key: KeyView | None
    """The key of the question on screen, revealed or not (the host reads it)."""
    teams: tuple[Team, ...]
    rounds: tuple[RoundView, ...]
    adjustments: tuple[Adjustment, ...]
    history: tuple[AskedView, ...]
    buzz_closed: bool

    @property
    def next_round(self) -> int | None:
        """The round to go on with: the running one until all its questions are asked, then the first later
        round with questions left (None: none)."""
        rnd = self.screen.round
        if rnd is not None and not self.screen.round_done:
            return rnd.index
        later = [r.index for r in self.rounds if r.asked < r.planned and (rnd is None or r.index > rnd.index)]
        return later[0] if later else None


def key_view(asked: Asked) -> KeyView:
    q = asked.question
    return KeyView(
        answer=q.answer,
        keys=q.keys,
        key_points=q.key_points,
        explanation=q.explanation,
        sources=tuple(f"《{c.law}》{citation_label(c)}" for c in q.sources),
    )


def round_view(contest: Contest, index: int) -> RoundView:
    spec = contest.rounds[index]
    return RoundView(index, spec.title, spec.kind, ROUND_KIND_NAMES[spec.kind], contest.planned(index),
                     len(contest.asked_in_round(index)), spec.points, spec.penalty, spec.stakes,
                     spec.answer_seconds, spec.buzz_seconds)


def _attempts(contest: Contest, asked: Asked) -> tuple[AttemptView, ...]:
    return tuple(
        AttemptView(a.team, contest.teams[a.team].name, a.given, a.correct, a.points, a.overridden)
        for a in asked.attempts
    )


def _question(contest: Contest, asked: Asked) -> QuestionView:
    q = asked.question
    position = sum(1 for a in contest.asked_in_round(asked.round) if a.number <= asked.number)
    options = tuple(OptionView(k, q.options[k]) for k in LETTERS if k in q.options)
    return QuestionView(asked.number, position, q.type, QUESTION_TYPE_NAMES.get(q.type, q.type), q.stem, options,
                        q.law, q.difficulty)


def screen_view(contest: Contest) -> ScreenView:
    asked = contest.current
    spec = contest.round
    team = contest.answering if asked is not None else None
    if asked is not None and team is None and asked.team is not None:
        team = asked.team
    if asked is None and contest.phase == Phase.IDLE:
        team = contest.turn()
    presses: tuple[PressView, ...] = ()
    if asked is not None and asked.window:
        presses = tuple(
            PressView(p.team, contest.teams[p.team].name, p.outcome, p.behind_ms, p.after_open_ms)
            for p in asked.presses if p.window == asked.window and p.outcome in (BuzzOutcome.WON, BuzzOutcome.LATE)
        )
    index = contest.round_index
    return ScreenView(
        code=contest.code,
        name=contest.name,
        version=contest.version,
        phase=contest.phase,
        phase_name=PHASE_NAMES[contest.phase],
        round=round_view(contest, index) if index is not None else None,
        rounds_total=len(contest.rounds),
        team=team,
        team_name=contest.teams[team].name if team is not None else "",
        stake=asked.stake if asked is not None else None,
        deadline=contest.deadline,
        countdown=contest.countdown,
        question=_question(contest, asked) if asked is not None else None,
        presses=presses,
        attempts=_attempts(contest, asked) if asked is not None else (),
        key=key_view(asked) if asked is not None and asked.revealed else None,
        scores=tuple(contest.scores()),
        round_done=index is not None and contest.round_done(index) and spec is not None,
    )


def host_view(contest: Contest) -> HostView:
    asked = contest.current
    history = tuple(
        AskedView(a.number, contest.rounds[a.round].title, a.question.stem, a.voided, _attempts(contest, a))
        for a in contest.asked
    )
    return HostView(
        screen=screen_view(contest),
        key=key_view(asked) if asked is not None else None,
        teams=tuple(contest.teams),
        rounds=tuple(round_view(contest, i) for i in range(len(contest.rounds))),
        adjustments=tuple(contest.adjustments),
        history=history,
        buzz_closed=contest.buzz_closed(),
    )

