"""A contest ↔ the JSON document stored in its row (questions are kept as asked, in their JSON form).

Times are wall-clock epoch seconds, except a press's ``at`` (the monotonic clock of the process that took
it; a press read back is compared by its wall time instead). The moment the current buzz window opened is
stored by the wall clock and read back as the reader's monotonic time that long ago.
"""

from __future__ import annotations

from typing import Any

from quiz.contest.clock import Clock
from quiz.contest.machine import Contest
from quiz.contest.model import (
    Adjustment,
    Asked,
    Attempt,
    BuzzOutcome,
    Phase,
    Press,
    QuestionPick,
    RoundKind,
    RoundSpec,
    Team,
)
from quiz.models import Question

FORMAT = 1


def round_to_json(spec: RoundSpec) -> dict[str, Any]:
    return {
        "kind": spec.kind.value, "name": spec.name, "questions": spec.questions, "points": spec.points,
        "penalty": spec.penalty, "answer_seconds": spec.answer_seconds, "buzz_seconds": spec.buzz_seconds,
        "stakes": list(spec.stakes),
        "pick": {"laws": list(spec.pick.laws), "types": list(spec.pick.types),
                 "difficulty": list(spec.pick.difficulty)},
    }


def round_from_json(data: dict[str, Any]) -> RoundSpec:
    pick = data.get("pick") or {}
    return RoundSpec(
        kind=RoundKind(data["kind"]), name=data.get("name", ""), questions=int(data["questions"]),
        points=int(data["points"]), penalty=int(data["penalty"]), answer_seconds=int(data["answer_seconds"]),
        buzz_seconds=int(data["buzz_seconds"]), stakes=tuple(int(s) for s in data.get("stakes") or ()),
        pick=QuestionPick(tuple(pick.get("laws") or ()), tuple(pick.get("types") or ()),
                          tuple(int(d) for d in pick.get("difficulty") or ())),
    )


def _asked_to_json(a: Asked) -> dict[str, Any]:
    return {
        "number": a.number, "round": a.round, "question": a.question.to_json(), "team": a.team,
        "stake": a.stake, "shown_at": a.shown_at, "window": a.window, "revealed": a.revealed,
        "voided": a.voided,
        "presses": [
            {"team": p.team, "window": p.window, "outcome": p.outcome.value, "at": p.at,
             "behind_ms": p.behind_ms, "after_open_ms": p.after_open_ms, "wall": p.wall}
            for p in a.presses
        ],
        "attempts": [
            {"team": x.team, "given": x.given, "auto": x.auto, "correct": x.correct, "points": x.points,
             "at": x.at, "overridden": x.overridden}
            for x in a.attempts
        ],
    }


def _asked_from_json(d: dict[str, Any]) -> Asked:
    return Asked(
        number=int(d["number"]), round=int(d["round"]), question=Question.from_json(d["question"]),
        team=d.get("team"), stake=d.get("stake"), shown_at=float(d["shown_at"]), window=int(d.get("window", 0)),
        revealed=bool(d.get("revealed")), voided=str(d.get("voided") or ""),
        presses=[Press(int(p["team"]), int(p["window"]), BuzzOutcome(p["outcome"]), float(p["at"]),
                       int(p.get("behind_ms", 0)), int(p.get("after_open_ms", 0)), float(p.get("wall", 0.0)),
                       loaded=True) for p in d.get("presses") or ()],
        attempts=[Attempt(int(x["team"]), x["given"], x.get("auto"), bool(x["correct"]), int(x["points"]),
                          float(x["at"]), bool(x.get("overridden"))) for x in d.get("attempts") or ()],
    )


def to_json(c: Contest) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "teams": [{"index": t.index, "name": t.name, "code": t.code} for t in c.teams],
        "rounds": [round_to_json(r) for r in c.rounds],
        "phase": c.phase.value,
        "round_index": c.round_index,
        "asked": [_asked_to_json(a) for a in c.asked],
        "adjustments": [{"team": j.team, "delta": j.delta, "reason": j.reason, "at": j.at} for j in c.adjustments],
        "deadline": c.deadline,
        "countdown": c.countdown,
        "answering": c.answering,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "window_opened_wall": c.window_opened_wall,
    }


def from_json(code: str, name: str, data: dict[str, Any], clock: Clock) -> Contest:
    teams = [Team(int(t["index"]), str(t["name"]), str(t["code"])) for t in data["teams"]]
    c = Contest(code, name, teams, [round_from_json(r) for r in data.get("rounds") or ()], clock,
                created_at=float(data["created_at"]))
    c.phase = Phase(data["phase"])
    c.round_index = data.get("round_index")
    c.asked = [_asked_from_json(a) for a in data.get("asked") or ()]
    c.adjustments = [Adjustment(int(j["team"]), int(j["delta"]), str(j["reason"]), float(j["at"]))
                     for j in data.get("adjustments") or ()]
    c.deadline = data.get("deadline")
    c.countdown = float(data.get("countdown") or 0.0)
    c.answering = data.get("answering")
    c.version = int(data.get("version") or 0)
    c.updated_at = float(data.get("updated_at") or c.created_at)
    opened_wall = data.get("window_opened_wall")
    if opened_wall is not None:
        c.window_opened_wall = float(opened_wall)
        c.window_opened = clock.monotonic() - max(0.0, clock.wall() - c.window_opened_wall)
    return c
