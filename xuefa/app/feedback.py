"""👍/👎 feedback on answers, with an optional comment, in ``<home>/feedback.sqlite``.

Each vote is stored at once with the question, the answer text and its citations; a comment given
afterwards is added to the same row. One short-lived connection per call keeps it thread-safe.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from chat.models import Answer
from chat.render import render_citation

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
    session TEXT NOT NULL DEFAULT ''
)
"""


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


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
            yield conn

    def record(self, answer: Answer, vote: Literal["up", "down"], question: str = "", session: str = "") -> int:
        """Store a vote on an answer; returns the row id a later comment refers to."""
        cited = [render_citation(c) for c in answer.citations + answer.related + answer.possibly_related]
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, vote, question, answer, grounded, mode, citations, session) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    vote,
                    question or answer.question,
                    answer.text,
                    int(answer.grounded),
                    answer.mode,
                    json.dumps(cited, ensure_ascii=False),
                    session,
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
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [
            FeedbackRow(
                id=r["id"], created_at=r["created_at"], vote=r["vote"], question=r["question"], answer=r["answer"],
                grounded=bool(r["grounded"]), mode=r["mode"], citations=json.loads(r["citations"]),
                comment=r["comment"], session=r["session"],
            )
            for r in rows
        ]
