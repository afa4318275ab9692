"""The JSON routes and plain pages beside the Gradio app, for the services a server has."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.engine import Engine

from quiz.settings import QuizSettings
from xuefa.services import Services
from xuefa.web.guesses import Limiter


def shared_limiter(engine: Engine, settings: QuizSettings) -> Limiter | None:
    """On PostgreSQL the wrong-code limiter lives in the database (every process refuses the same guesser);
    None: each router keeps its own in memory (SQLite: one process)."""
    if engine.dialect.name != "postgresql":
        return None
    from xuefa.web.shared_guesses import SharedGuessLimiter

    return SharedGuessLimiter(engine, settings.wrong_code_limit, settings.wrong_code_window_s)


def build_routers(services: Services) -> list[APIRouter]:
    routers: list[APIRouter] = []
    quiz = services.exams or services.contests
    guesses = shared_limiter(quiz.bank.engine, quiz.settings) if quiz is not None else None
    if services.exams is not None:
        from xuefa.web.exam_routes import build_exam_router

        routers.append(build_exam_router(services.exams, guesses))
    if services.contests is not None:
        from xuefa.web.contest_routes import build_contest_router

        routers.append(build_contest_router(services.contests, guesses))
    return routers
