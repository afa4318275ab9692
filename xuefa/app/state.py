"""What the app works with: the services it calls and the per-session state it keeps in ``gr.State``.

Nothing per-session lives in module globals: each browser session gets its own ``ChatSession`` through
``gr.State``, so many officers can use one server at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from chat.feedback import FeedbackStore
from chat.models import Answer, AnswerEvent, Turn
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase

if TYPE_CHECKING:
    from quiz.contest.service import ContestService
    from quiz.exam.service import ExamService
    from quiz.practice import Practice

Vote = Literal["up", "down"]

MAX_EXCHANGES = 30
"""Exchanges a session keeps (and shows); older ones drop off."""


class Answerer(Protocol):
    """The answer engine as the UI sees it (``chat.service.AnswerService``)."""

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[AnswerEvent]: ...


@dataclass
class Services:
    """Everything the UI calls; built once per server by ``xuefa.app.startup``."""

    kb: KnowledgeBase
    answers: Answerer
    feedback: FeedbackStore
    admin_password: str = ""
    ingest: IngestSettings = field(default_factory=IngestSettings)
    uploads_dir: Path | None = None
    practice: Practice | None = None
    """The question bank's practice (错题本, mastery); ``None``: no 练习 tab."""
    exams: ExamService | None = None
    """Annual exams (blueprint → papers → sittings → grading → reports); ``None``: no 考试 pages."""
    contests: ContestService | None = None
    """Knowledge contests (host console, big screen, buzzers); ``None``: no 竞赛 pages."""

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_password)


@dataclass
class Exchange:
    """One question and its answer (``None`` while it is being worked out; ``draft`` the streamed text)."""

    id: int
    question: str
    answer: Answer | None = None
    draft: str = ""
    vote: Vote | None = None
    feedback_id: int | None = None


@dataclass
class ChatSession:
    """One officer's conversation."""

    exchanges: list[Exchange] = field(default_factory=list)
    next_id: int = 1

    def history(self) -> tuple[Turn, ...]:
        """The finished exchanges as turns for a follow-up question."""
        return tuple(Turn(e.question, e.answer) for e in self.exchanges if e.answer is not None)

    def start(self, question: str) -> Exchange:
        exchange = Exchange(self.next_id, question)
        self.next_id += 1
        self.exchanges.append(exchange)
        del self.exchanges[:-MAX_EXCHANGES]
        return exchange

    def get(self, exchange_id: int) -> Exchange | None:
        return next((e for e in self.exchanges if e.id == exchange_id), None)
