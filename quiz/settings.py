"""Settings of the question bank, practice, contests and exams."""

from __future__ import annotations

from pydantic import Field

from kb.config import StrictModel


class QuizSettings(StrictModel):
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
    llm_max_calls: int = Field(
        40, ge=1,
        description="At most this many language-model calls per generation run of 简答/案例分析 questions "
        "(the model configured under chat.llm); a run that has made them stops asking.",
    )
    calibration_min_answers: int = Field(
        30, ge=2, description="`xuefa bank calibrate` sets a question's difficulty from its facility, and flags it "
        "when its discrimination is negative, once it has this many answers (practice first answers and exams).",
    )
    exam_allow_drafts: bool = Field(
        False, description="Exams may use draft (not yet approved) questions; a blueprint's allow_drafts overrides."
    )
    exam_multi_partial_credit: bool = Field(
        False, description="多选 in exams: an answer with no wrong option earns the share of the keys it chose "
        "(a blueprint's multi_partial_credit overrides).",
    )
    exam_pass_share: float = Field(0.6, gt=0, le=1, description="Share of the full score an exam pass needs.")
    exam_pdf_font: str = Field(
        "", description="A CJK .ttf/.ttc font file for exam PDFs; empty: the first one found (fonts-wqy-zenhei …)."
    )
    exam_sweep_interval_s: float = Field(
        3.0, gt=0, description="Seconds between the server's checks that submit exam sittings whose time is up."
    )
    contest_approved_only: bool = Field(
        False, description="Knowledge contests draw only approved questions (default: approved and draft, "
        "never rejected or flagged for review)."
    )
    contest_points: int = Field(10, ge=0, le=1000, description="Default points of a new contest round's question.")
    contest_answer_seconds: int = Field(30, ge=5, le=600, description="Default answer time of a contest question.")
    contest_buzz_seconds: int = Field(10, ge=1, le=120, description="Default buzz window of a 抢答 question.")
    contest_stakes: tuple[int, ...] = Field(
        (10, 20, 30), min_length=1, description="Default stakes a team may pick in a 风险题 round."
    )
    wrong_code_limit: int = Field(
        30, ge=1, description="An address that enters this many wrong codes within `wrong_code_window_s` (a "
        "contest's team code; an exam's code, 警号 or 姓名) is refused for the rest of that window (HTTP 429).",
    )
    wrong_code_window_s: float = Field(300.0, gt=0, description="The window of `wrong_code_limit`, in seconds.")
