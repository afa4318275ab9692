"""Answered questions for the search's memory (kb.memory): from a questions file in the evaluation format
(JSON lines with ``question`` and ``gold``/``also`` articles), an 应知应会 checklist (its 问答 items), or 👍
answers an admin has reviewed; and back out as labelled questions, to evaluate or fit the learned search on
(``xuefa eval --folds``, scripts/train_retriever.py --questions)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from chat.feedback import FeedbackStore
from ingest.errors import FileRefused
from ingest.guard import guard_file
from ingest.settings import FileLimits
from kb.base import KnowledgeBase
from kb.evaluate import GoldArticle, Question, load_questions
from kb.memory import AnsweredQuestion
from kb.numbers import article_label
from kb.training import answered_from_questions
from quiz.checklist.items import ChecklistError, answered_questions, load_checklist

FEEDBACK_SOURCE = "答疑反馈"


class AnsweredFileError(ValueError):
    pass


def read_answered(path: Path, split: str | None = None, limits: FileLimits | None = None) -> list[AnsweredQuestion]:
    """The answered questions of one file (of one split, for a questions file); AnsweredFileError names the
    file and the problem, or the limit on incoming files (``limits``) it is over."""
    limits = limits or FileLimits()
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        try:
            guard_file(path, limits)
        except FileRefused as exc:
            raise AnsweredFileError(f"{path.name}：{exc.reason}") from exc
        try:
            questions = load_questions(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise AnsweredFileError(f"{path.name}：{exc}") from exc
        entries = answered_from_questions([q for q in questions if not split or q.split == split], path.name)
    else:
        try:
            entries = answered_questions(load_checklist(path, limits=limits))
        except ChecklistError as exc:
            raise AnsweredFileError(f"{exc}（或用 .jsonl 问题文件）") from exc
    if not entries:
        raise AnsweredFileError(f"{path.name}：没有带依据条款的问题")
    return entries


def review_feedback(kb: KnowledgeBase, store: FeedbackStore, feedback_ids: Sequence[int], remember: bool) -> int:
    """An admin's review of answers voted 👍: remember each one's question with the articles it cited, or dismiss
    it; either way it leaves the review list. Returns how many were reviewed (ones already reviewed, or no
    longer voted 👍, are skipped)."""
    if not feedback_ids:
        return 0
    rows = store.awaiting_review(limit=len(feedback_ids), ids=feedback_ids)
    if remember and rows:
        kb.remember([AnsweredQuestion(r.question, r.cited, FEEDBACK_SOURCE) for r in rows])
    store.mark_reviewed([r.id for r in rows], "remembered" if remember else "dismissed")
    return len(rows)


def as_questions(entries: Sequence[AnsweredQuestion]) -> list[Question]:
    """Remembered questions as labelled ones: each article they cite once, as gold (a 款 or 项 cited counts as
    its article); ids ``<source>-<n>``, numbered within each source in the order given. Entries citing no
    article are left out."""
    out: list[Question] = []
    numbered: dict[str, int] = {}
    for entry in entries:
        gold = tuple(dict.fromkeys(GoldArticle(c.law, article_label(c.article, c.article_suffix))
                                   for c in entry.citations if c.article is not None))
        if not gold:
            continue
        numbered[entry.source] = numbered.get(entry.source, 0) + 1
        out.append(Question(f"{entry.source or 'memory'}-{numbered[entry.source]}", entry.question, gold))
    return out
