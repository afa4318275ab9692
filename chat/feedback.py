"""👍/👎 feedback on answers, with an optional comment, in ``<home>/feedback.sqlite``.

Each vote is stored at once with the question, the answer text and its citations; a comment given
afterwards is added to the same row. One short-lived connection per call keeps it thread-safe.

An answer voted 👍 waits for an admin's review: confirmed, its question and the articles it cited are
remembered by the search (kb.memory); a vote alone never is, or the search would learn its own mistakes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from chat.models import Answer
from chat.render import render_citation
from kb.models import Citation

MAX_COMMENT_CHARS = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    grounded INTEGER NOT NULL,
    mode TEXT NOT NULL,
    citations TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT '',
    cited TEXT NOT NULL DEFAULT '[]',
    review TEXT NOT NULL DEFAULT ''
)
"""
ADDED_COLUMNS = {  # columns that stores written by an earlier version lack
    "cited": "ALTER TABLE feedback ADD COLUMN cited TEXT NOT NULL DEFAULT '[]'",
    "review": "ALTER TABLE feedback ADD COLUMN review TEXT NOT NULL DEFAULT ''",
}
Review = Literal["remembered", "dismissed"]


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    vote: str
    question: str
    answer: str
    grounded: bool
    mode: str
    citations: list[str]
    comment: str
    session: str
    cited: tuple[Citation, ...] = ()
    """The articles the answer itself cited (not its related ones), as data: what a review would remember."""
    review: str = ""
    """'' while not reviewed, else 'remembered' or 'dismissed'."""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(SCHEMA)
            present = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
            for column, statement in ADDED_COLUMNS.items():
                if column not in present:
                    conn.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
            yield conn

    def record(self, answer: Answer, vote: Literal["up", "down"], question: str = "", session: str = "") -> int:
        """Store a vote on an answer; returns the row id a later comment refers to."""
        shown = [render_citation(c) for c in answer.citations + answer.related + answer.possibly_related]
        articles = dict.fromkeys((c.law, c.article, c.article_suffix) for c in answer.citations if c.article)
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, vote, question, answer, grounded, mode, citations, session, "
                "cited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    vote,
                    question or answer.question,
                    answer.text,
                    int(answer.grounded),
                    answer.mode,
                    json.dumps(shown, ensure_ascii=False),
                    session,
                    json.dumps([list(a) for a in articles], ensure_ascii=False),
                ),
            )
            return int(cur.lastrowid or 0)

    def change_vote(self, feedback_id: int, vote: Literal["up", "down"]) -> None:
        with self._connect() as conn:
            conn.execute("UPDATE feedback SET vote = ? WHERE id = ?", (vote, feedback_id))

    def comment(self, feedback_id: int, text: str) -> None:
        with self._connect() as conn:
            conn.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?", (text.strip()[:MAX_COMMENT_CHARS], feedback_id)
            )

    def rows(self) -> list[FeedbackRow]:
        return self._select("SELECT * FROM feedback ORDER BY id")

    def awaiting_review(self, limit: int = 100, ids: Sequence[int] | None = None) -> list[FeedbackRow]:
        """Grounded answers voted 👍 that cite articles and no admin has reviewed yet (of ``ids``), newest first."""
        sql = "SELECT * FROM feedback WHERE vote = 'up' AND grounded = 1 AND review = '' AND cited != '[]'"
        params: tuple[object, ...] = ()
        if ids is not None:
            sql += f" AND id IN ({', '.join('?' * len(ids))})"
            params = tuple(ids)
        return self._select(f"{sql} ORDER BY id DESC LIMIT ?", (*params, limit))

    def mark_reviewed(self, feedback_ids: Sequence[int], review: Review) -> None:
        with self._connect() as conn:
            conn.executemany("UPDATE feedback SET review = ? WHERE id = ?", [(review, i) for i in feedback_ids])

    def _select(self, sql: str, params: tuple[object, ...] = ()) -> list[FeedbackRow]:
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute(sql, params).fetchall()
        return [
            FeedbackRow(
                id=r["id"], created_at=r["created_at"], vote=r["vote"], question=r["question"], answer=r["answer"],
                grounded=bool(r["grounded"]), mode=r["mode"], citations=json.loads(r["citations"]),
                comment=r["comment"], session=r["session"],
                cited=tuple(Citation(law=law, article=article, article_suffix=suffix)
                            for law, article, suffix in json.loads(r["cited"])),
                review=r["review"],
            )
            for r in rows
        ]
