"""Settings of the question bank, practice, contests and exams."""

from __future__ import annotations

from pydantic import BaseModel, Field


class QuizSettings(BaseModel):
    database_url: str = Field("", description="SQLAlchemy URL; empty: a SQLite file in the xuefa home.")
    seed: int | None = Field(None, description="Random seed for reproducible question generation.")
