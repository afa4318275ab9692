"""The composition root: every service of xuefa, built from the one settings object.

The CLI (``xuefa.cli``), the Gradio app (``xuefa.app``) and the JSON routes (``xuefa.web``) all get their
services here; nothing below this module reads settings on its own or builds a default of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from chat.feedback import FeedbackStore
from chat.llm import OpenAICompatibleClient, create_llm_client
from chat.models import Answer, AnswerEvent, Turn
from chat.service import AnswerService
from corpus.foundation import foundation_documents
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase, Progress
from kb.coverage import CoverageGap, FoundationDocument, coverage_gaps
from quiz.bank.store import QuestionBank
from quiz.contest.service import ContestService
from quiz.exam.service import ExamService
from quiz.hours.service import Hours
from quiz.people.accounts import Accounts
from quiz.practice.runs import Practice
from xuefa.settings import Settings


class Answerer(Protocol):
    """The answer engine as the UI sees it (``chat.service.AnswerService``)."""

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[AnswerEvent]: ...

    def answer(self, question: str, history: Sequence[Turn] = ()) -> Answer: ...


@dataclass
class Services:
    """Everything the UI, the routes and the commands call; built once by ``build_services``."""

    kb: KnowledgeBase
    answers: Answerer
    feedback: FeedbackStore
    admin_password: str = ""
    ingest: IngestSettings = field(default_factory=IngestSettings)
    uploads_dir: Path | None = None
    bank: QuestionBank | None = None
    """The question bank behind practice, exams and contests; ``None``: no quiz services."""
    practice: Practice | None = None
    """The question bank's practice (错题本, mastery); ``None``: no 练习 tab."""
    exams: ExamService | None = None
    """Annual exams (blueprint → papers → sittings → grading → reports); ``None``: no 考试 pages."""
    contests: ContestService | None = None
    """Knowledge contests (host console, big screen, buzzers); ``None``: no 竞赛 pages."""
    accounts: Accounts | None = None
    """Units, accounts, sign-in and the admins' audit (``admin`` is the bootstrap city account of
    ``admin_password``); ``None``: no quiz services."""
    hours: Hours | None = None
    """学时: rules, activities, reports and exports (its audit through ``accounts``); ``None``: no quiz services."""
    pdf_font: str = ""
    """The CJK font file of PDF exports (``quiz.exam_pdf_font``; empty: one found on the system)."""
    foundation: tuple[FoundationDocument, ...] = ()
    """The documents enforcement rests on (``kb.foundation``), checked by ``gaps``."""

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_password)

    def gaps(self) -> list[CoverageGap]:
        """The foundation documents the knowledge base lacks or holds only in an older version."""
        return coverage_gaps(self.foundation, self.kb.documents())

    def close(self) -> None:
        """Close what ``build_services`` opened besides the knowledge base (its opener closes that)."""
        llm = self.answers.llm if isinstance(self.answers, AnswerService) else None
        if isinstance(llm, OpenAICompatibleClient):
            llm.close()
        if self.contests is not None:
            self.contests.close()
        if self.exams is not None:
            self.exams.close()
        if self.bank is not None:
            self.bank.close()


def open_kb(settings: Settings, progress: Progress | None = None) -> KnowledgeBase:
    settings.home.mkdir(parents=True, exist_ok=True)
    return KnowledgeBase.open(settings.home / "kb", settings.kb, progress=progress)


@contextmanager
def knowledge_base(settings: Settings, progress: Progress | None = None) -> Iterator[KnowledgeBase]:
    kb = open_kb(settings, progress)
    try:
        yield kb
    finally:
        kb.close()


def without_memory(settings: Settings) -> Settings:
    """A copy of the settings whose search ignores the answered questions (``xuefa eval --no-memory``); the
    settings given are left as they are."""
    retrieval = settings.kb.retrieval.model_copy(update={"memory": False})
    return settings.model_copy(update={"kb": settings.kb.model_copy(update={"retrieval": retrieval})})


def coverage(settings: Settings, kb: KnowledgeBase) -> list[CoverageGap]:
    """The documents of ``kb.foundation`` the knowledge base lacks or holds only in an older version."""
    return coverage_gaps(foundation_documents(settings.kb.foundation), kb.documents())


def open_bank(settings: Settings) -> QuestionBank:
    """The question bank (SQLite in the home folder, or ``quiz.database_url``)."""
    return QuestionBank.open(settings.home, settings.quiz)


def exam_service(settings: Settings, bank: QuestionBank) -> ExamService:
    """Annual exams over the question bank (``quiz`` settings; ``ingest.limits`` on the roster files)."""
    return ExamService(bank, settings.quiz, limits=settings.ingest.limits)


def contest_service(settings: Settings, bank: QuestionBank) -> ContestService:
    """Knowledge contests over the question bank."""
    return ContestService(bank, settings.quiz)


def accounts_service(settings: Settings, bank: QuestionBank) -> Accounts:
    """Accounts in the question bank's database; ``admin_password`` is the bootstrap city administrator's."""
    return Accounts(bank.engine, settings.accounts, bootstrap_password=settings.admin_password)


def hours_service(settings: Settings, bank: QuestionBank, accounts: Accounts) -> Hours:
    """学时 over the question bank's database; what administrators do is written to the accounts' audit."""
    return Hours(bank.engine, settings.hours, settings.quiz.exam_pass_share, settings.quiz.mastered_accuracy,
                 record=accounts.record)


def answer_service(settings: Settings, kb: KnowledgeBase, foundation: tuple[FoundationDocument, ...]) -> AnswerService:
    return AnswerService(kb, settings.chat, create_llm_client(settings.chat.llm), foundation=foundation)


def feedback_store(settings: Settings) -> FeedbackStore:
    return FeedbackStore(settings.feedback_path)


def build_services(settings: Settings, kb: KnowledgeBase, quiz: bool = True) -> Services:
    """The services over an open knowledge base; ``quiz=False`` leaves the question bank closed (and with
    it practice, exams and contests), for a command that only answers."""
    foundation = foundation_documents(settings.kb.foundation)
    services = Services(
        kb=kb,
        answers=answer_service(settings, kb, foundation),
        feedback=feedback_store(settings),
        admin_password=settings.admin_password,
        ingest=settings.ingest,
        uploads_dir=settings.home / "uploads",
        foundation=foundation,
    )
    if quiz:
        bank = open_bank(settings)
        services.bank = bank
        services.practice = Practice.from_settings(bank, settings.quiz)
        services.contests = contest_service(settings, bank)
        services.exams = exam_service(settings, bank)
        services.accounts = accounts_service(settings, bank)
        services.hours = hours_service(settings, bank, services.accounts)
        services.pdf_font = settings.quiz.exam_pdf_font
    return services


@contextmanager
def open_services(settings: Settings, progress: Progress | None = None, quiz: bool = True) -> Iterator[Services]:
    """``build_services`` over a knowledge base opened here, all closed on leaving."""
    with knowledge_base(settings, progress) as kb:
        services = build_services(settings, kb, quiz=quiz)
        try:
            yield services
        finally:
            services.close()


@contextmanager
def question_bank(settings: Settings) -> Iterator[QuestionBank]:
    """The question bank alone (``xuefa bank``, ``xuefa exam``, ``xuefa contest``), closed on leaving."""
    bank = open_bank(settings)
    try:
        yield bank
    finally:
        bank.close()
