"""The 学时 records as data: sources, activity kinds, entries and the reports the UI renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Source(StrEnum):
    """Where 学时 come from."""

    PRACTICE = "practice"
    EXAM = "exam"
    CHECKLIST = "checklist"
    ACTIVITY = "activity"

    @property
    def label(self) -> str:
        return {"practice": "在线练习", "exam": "考试", "checklist": "应知应会", "activity": "线下活动"}[self.value]


class ActivityKind(StrEnum):
    LECTURE = "法治讲座"
    TRIAL = "旁听庭审"
    SIMULATION = "模拟执法"
    ROTATION = "轮训"
    LEADERS = "领导学法"
    CONTEST = "知识竞赛"
    OTHER = "其他"

    @classmethod
    def parse(cls, text: str) -> ActivityKind | None:
        """A kind as a sheet spells it (``讲座`` for 法治讲座, ``竞赛`` for 知识竞赛 …); ``None``: unknown."""
        wanted = text.strip()
        for kind in cls:
            if wanted == kind.value:
                return kind
        return ALIASES.get(wanted)


ALIASES: dict[str, ActivityKind] = {
    "讲座": ActivityKind.LECTURE, "法治讲座": ActivityKind.LECTURE, "庭审": ActivityKind.TRIAL,
    "模拟": ActivityKind.SIMULATION, "竞赛": ActivityKind.CONTEST, "领导班子学法": ActivityKind.LEADERS,
    "集中轮训": ActivityKind.ROTATION, "其它": ActivityKind.OTHER,
}

YEARLY_KINDS: tuple[ActivityKind, ...] = (ActivityKind.LECTURE, ActivityKind.CONTEST, ActivityKind.TRIAL,
                                          ActivityKind.SIMULATION)
"""Each unit holds at least one of these a year."""


class Exam(StrEnum):
    """An officer's standing on a 轮训's 考核验收 exam."""

    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"

    @property
    def label(self) -> str:
        return {"passed": "合格", "failed": "不合格", "absent": "缺考"}[self.value]


class Due(StrEnum):
    """A duty of a period (a quarter's leaders' study, a yearly activity)."""

    DONE = "done"
    MISSING = "missing"
    UPCOMING = "upcoming"

    @property
    def label(self) -> str:
        return {"done": "已完成", "missing": "未完成", "upcoming": "未到期"}[self.value]


@dataclass(frozen=True)
class Entry:
    """学时 one officer earned on one day from one source."""

    officer_id: str
    day: date
    source: Source
    title: str
    hours: float
    exam: Exam | None = None
    """A 轮训 with a 考核验收 exam: the officer's standing (hours 0 when withheld)."""
    kind: ActivityKind | None = None
    """An activity's kind."""


@dataclass(frozen=True)
class Officer:
    officer_id: str
    name: str
    unit: str
    title: str
    leader: bool


@dataclass(frozen=True)
class Upcoming:
    kind: ActivityKind
    title: str
    day: date
    hours: float


@dataclass(frozen=True)
class NextSteps:
    """Plain facts of what counts next for one officer."""

    hours_to_go: float
    practice_left_today: float
    """学时 of practice today can still earn (0 outside the current year)."""
    checklist_not_mastered: int
    checklist_item_hours: float
    exam_hours: float
    upcoming: tuple[Upcoming, ...]


@dataclass(frozen=True)
class OfficerYear:
    officer: Officer
    year: int
    target: float
    total: float
    by_source: dict[Source, float]
    by_month: tuple[float, ...]
    """学时 earned in each month (12)."""
    entries: tuple[Entry, ...]
    next: NextSteps


@dataclass(frozen=True)
class OfficerLine:
    officer: Officer
    total: float
    by_source: dict[Source, float]
    cumulative: tuple[float, ...]
    """学时 by the end of each month (12)."""
    on_track: bool


@dataclass(frozen=True)
class HoursBin:
    label: str
    low: float
    high: float | None
    count: int


@dataclass(frozen=True)
class YearlyActivity:
    kind: ActivityKind
    state: Due
    dates: tuple[date, ...]


@dataclass(frozen=True)
class LeaderStudy:
    officer: Officer
    quarters: tuple[Due, ...]
    """The 领导学法 of each quarter (4)."""


@dataclass(frozen=True)
class UnitReport:
    unit: str
    year: int
    target: float
    expected_now: float
    """学时 an officer on track holds by now: target × months elapsed / 12."""
    officers: tuple[OfficerLine, ...]
    """Behind first: on-track last, then by total."""
    distribution: tuple[HoursBin, ...]
    yearly_activities: tuple[YearlyActivity, ...]
    leaders: tuple[LeaderStudy, ...]

    @property
    def mean(self) -> float:
        return sum(o.total for o in self.officers) / len(self.officers) if self.officers else 0.0

    @property
    def at_target(self) -> int:
        return sum(o.total >= self.target for o in self.officers)

    @property
    def on_track(self) -> int:
        return sum(o.on_track for o in self.officers)


@dataclass(frozen=True)
class CityUnitLine:
    unit: str
    officers: int
    mean: float
    share_at_target: float
    share_on_track: float
    activities_missing: tuple[ActivityKind, ...]
    leader_quarters_missing: int


@dataclass(frozen=True)
class CityReport:
    year: int
    target: float
    expected_now: float
    units: tuple[CityUnitLine, ...]


@dataclass(frozen=True)
class ActivityDraft:
    """An activity as a unit enters it: the same 学时 for each attendee."""

    unit: str
    kind: ActivityKind
    title: str
    starts_on: date
    hours: float
    attendees: tuple[str, ...]
    ends_on: date | None = None
    evidence: str = ""
    exam_id: int | None = None
