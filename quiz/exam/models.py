"""What the exam service hands out: plain data (no rendering), and its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from quiz.models import QuestionType

PaperAnswer = str | bool | None
"""An examinee's answer on an exam paper as the page sends it and the sitting stores it: letters (``A``,
``ACD``), true/false, or text; None: not answered. (What practice and contests grade is quiz.grading.Given.)"""


class ExamStatus(StrEnum):
    DRAFT = "draft"  # created, no papers yet
    READY = "ready"  # papers assembled
    OPEN = "open"  # examinees may log in
    CLOSED = "closed"  # every sitting submitted; no new logins


STATUS_NAMES = {"draft": "草稿", "ready": "已组卷", "open": "考试中", "closed": "已结束"}


class AuditAction(StrEnum):
    """What an exam's audit log records: the organiser's actions, the examinees' and the refusals."""

    CREATE = "create"
    ASSEMBLE = "assemble"
    ASSEMBLE_REFUSED = "assemble_refused"
    ROSTER = "roster"
    ROSTER_REFUSED = "roster_refused"
    OPEN = "open"
    CLOSE = "close"
    UNLOCK = "unlock"
    RELEASE = "release"
    UNRELEASE = "unrelease"
    LOGIN = "login"
    RELOGIN = "relogin"
    START = "start"
    SUBMIT = "submit"
    LOGIN_UNKNOWN_CODE = "login_unknown_code"
    LOGIN_NOT_LISTED = "login_not_listed"
    LOGIN_WRONG_NAME = "login_wrong_name"
    LOGIN_NOT_OPEN = "login_not_open"
    LOGIN_EARLY = "login_early"
    LOGIN_LATE = "login_late"
    SECOND_LOGIN = "second_login"
    BAD_TOKEN = "bad_token"
    REVOKED_TOKEN = "revoked_token"
    SAVE_AFTER_SUBMIT = "save_after_submit"
    SAVE_AFTER_TIME = "save_after_time"
    FOREIGN_QUESTION = "foreign_question"
    KEY_BEFORE_SUBMIT = "key_before_submit"


class ExamError(ValueError):
    """An organiser action that cannot be done (the message says why, in Chinese)."""


class ExamRefused(Exception):
    """An examinee request refused: ``status`` is the HTTP status the JSON route answers with."""

    def __init__(self, message: str, status: int = 403, action: AuditAction | str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.action = action
        """What was refused, as the audit log names it (login_unknown_code, login_wrong_name, …)."""


@dataclass(frozen=True)
class Shortfall:
    """One blueprint line the bank cannot fill."""

    label: str  # 单选 × 行政处罚法 × 难度2
    needed: int
    available: int
    taken_elsewhere: int = 0  # matching questions already used by other lines
    variants: int = 1

    @property
    def message(self) -> str:
        papers = f"（{self.variants} 套试卷各 {self.needed // self.variants} 题，不得重复）" if self.variants > 1 else ""
        extra = f"（另有 {self.taken_elsewhere} 题已用于其他条目）" if self.taken_elsewhere else ""
        return f"{self.label}：需要 {self.needed} 题{papers}，题库只有 {self.available} 题{extra}"


class BlueprintShortfall(ExamError):
    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = shortfalls
        super().__init__("题库不足以按蓝图组卷：\n" + "\n".join(s.message for s in shortfalls))


class BlueprintError(ExamError):
    """A blueprint that does not parse or makes no sense (bad type, count, points)."""


@dataclass(frozen=True)
class RosterProblem:
    row: int  # the row number as the spreadsheet shows it (header = 1)
    message: str


class RosterError(ExamError):
    def __init__(self, file: str, problems: list[RosterProblem] | None = None, message: str = "") -> None:
        self.file = file
        self.problems = problems or []
        lines = [f"第 {p.row} 行：{p.message}" for p in self.problems]
        super().__init__(f"名单 {file} 无法导入：" + (message or "") + ("\n" + "\n".join(lines) if lines else ""))


class FontMissing(ExamError):
    """No CJK TrueType font to embed in a PDF."""


@dataclass(frozen=True)
class ExamInfo:
    id: int
    code: str  # six digits the examinees type
    title: str
    status: ExamStatus
    duration_min: int
    starts_at: datetime | None
    ends_at: datetime | None
    variants: tuple[str, ...]  # ("A",) or ("A", "B"); () before assembly
    question_count: int  # per paper
    total_points: float
    roster: int
    started: int
    submitted: int
    results_released: bool
    created_at: datetime
    blueprint: dict[str, Any] = field(default_factory=dict)
    unit: str = ""
    """The owning unit; ``""``: the city's."""

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status.value]


@dataclass(frozen=True)
class PaperInfo:
    variant: str
    question_count: int
    total_points: float
    question_ids: tuple[int, ...]  # bank ids in paper order


@dataclass(frozen=True)
class RosterEntry:
    row: int
    officer_id: str
    name: str
    unit: str = ""


@dataclass(frozen=True)
class RosterReport:
    file: str
    imported: int
    id_column: str  # the header read as the officer id
    units: int
    replaced: int = 0  # entries of an earlier import dropped


@dataclass(frozen=True)
class LoginResult:
    token: str
    name: str
    unit: str
    title: str
    ends_at: datetime
    remaining_s: int
    submitted: bool
    code: str = ""  # the exam code, normalised
    officer_id: str = ""  # normalised


@dataclass(frozen=True)
class PaperOption:
    key: str  # the display letter
    text: str


@dataclass(frozen=True)
class PaperQuestion:
    id: str  # opaque, per examinee
    number: int
    type: QuestionType
    type_name: str
    stem: str
    options: tuple[PaperOption, ...]
    points: float


@dataclass(frozen=True)
class ExamineePaper:
    title: str
    remaining_s: int
    submitted: bool
    total_points: float
    questions: tuple[PaperQuestion, ...]
    answers: dict[str, PaperAnswer]


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    remaining_s: int


@dataclass(frozen=True)
class SubmitResult:
    submitted: bool
    already: bool = False  # it had been submitted before (by the examinee, the timer or the organiser)


@dataclass(frozen=True)
class SittingState:
    remaining_s: int
    submitted: bool


@dataclass(frozen=True)
class SourceRef:
    law: str
    article: str


@dataclass(frozen=True)
class ResultQuestion:
    number: int
    type: QuestionType
    type_name: str
    stem: str
    options: tuple[PaperOption, ...]
    given: PaperAnswer  # in the examinee's display letters
    answer: str | bool  # in the examinee's display letters
    correct: bool
    points: float  # the question's full value
    earned: float
    explanation: str
    source: tuple[SourceRef, ...]


@dataclass(frozen=True)
class ExamineeResult:
    released: bool
    score: float = 0.0
    total: float = 0.0
    questions: tuple[ResultQuestion, ...] = ()


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    exam_id: int | None
    officer_id: str
    action: str
    message: str
    client: str
