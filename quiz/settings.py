"""Settings of the question bank, practice, contests and exams."""

from __future__ import annotations

from pydantic import BaseModel, Field


class QuizSettings(BaseModel):
    database_url: str = Field("", description="SQLAlchemy URL; empty: a SQLite file in the xuefa home.")
    seed: int | None = Field(None, description="Random seed for reproducible question generation.")
    desired_retention: float = Field(
        0.9, gt=0, lt=1, description="FSRS target recall probability for the wrong-answer book (错题本)."
    )
    mastered_accuracy: float = Field(
        0.8, gt=0, le=1,
        description="A law or checklist item counts as mastered when this share of its answered questions "
        "was right the last time.",
    )
