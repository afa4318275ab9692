"""Plain data of the answer engine: answers, conversation turns and the events a streamed answer emits.

Nothing here renders text for people: ``chat.render`` (CLI) and the UI do that at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kb.coverage import CoverageGap
from kb.models import Citation

DISCLAIMER = "仅供学习参考，不构成正式法律意见；执法办案请以现行有效的法律文本为准。"

AnswerMode = Literal["extractive", "llm"]
AnswerStatus = Literal["answered", "no_basis", "invalid"]
NoticeKind = Literal[
    "empty_question",
    "question_truncated",
    "followup_rewritten",
    "llm_unavailable",
    "citations_removed",
    "llm_uncited",
    "citation_not_found",
    "document_missing",
]
RemovalReason = Literal["not_in_kb", "not_retrieved", "bad_marker"]


@dataclass(frozen=True)
class Notice:
    """Something the officer should know about how the answer came about."""

    kind: NoticeKind
    text: str


@dataclass(frozen=True)
class Claim:
    """One statement of an extractive answer and the 条/款/项 it is drawn from."""

    text: str
    citation: Citation


@dataclass(frozen=True)
class RemovedCitation:
    """A citation the model wrote that the knowledge base could not confirm, taken out of the text."""

    text: str
    reason: RemovalReason


@dataclass(frozen=True)
class Answer:
    """An answer as data.

    ``citations`` back the claims of the answer (with 款/项 where known); ``related`` are further retrieved
    articles worth reading alongside; ``possibly_related`` are the nearest articles when the knowledge base
    has no basis (``grounded`` False). Every citation here is resolved against the knowledge base
    (``unit_id`` and ``version_date`` set; ``quote`` the article's full text). ``sources`` (LLM mode) are
    the numbered articles the model was given: a marker ``[n]`` in ``text`` means ``sources[n - 1]``.
    ``query`` is the text the knowledge base was searched with, ``topic`` what a follow-up question
    inherits from this one.
    """

    question: str
    text: str
    grounded: bool
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    possibly_related: tuple[Citation, ...] = ()
    mode: AnswerMode = "extractive"
    notices: tuple[Notice, ...] = ()
    removed_citations: tuple[RemovedCitation, ...] = ()
    status: AnswerStatus = "answered"
    claims: tuple[Claim, ...] = ()
    sources: tuple[Citation, ...] = ()
    query: str = ""
    topic: str = ""
    disclaimer: str = DISCLAIMER
    lacking: tuple[CoverageGap, ...] = ()
    """Documents of the question's field that the knowledge base lacks, or holds only in an older version."""
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def all_citations(self) -> tuple[Citation, ...]:
        """Every citation the answer shows, in order: claims' first, then related, then possibly related."""
        return self.citations + self.related + self.possibly_related


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of the conversation; ``answer`` may be the Answer or just its text."""

    question: str
    answer: Answer | str = ""


@dataclass(frozen=True)
class Delta:
    """A piece of streamed model text (unverified: the Final answer carries the checked text)."""

    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


AnswerEvent = Delta | Notice | Final
