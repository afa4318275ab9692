"""The JSON routes and plain pages beside the Gradio app, for the services a server has."""

from __future__ import annotations

from fastapi import APIRouter

from xuefa.services import Services


def build_routers(services: Services) -> list[APIRouter]:
    routers: list[APIRouter] = []
    if services.exams is not None:
        from xuefa.web.exam_routes import build_exam_router

        routers.append(build_exam_router(services.exams))
    if services.contests is not None:
        from xuefa.web.contest_routes import build_contest_router

        routers.append(build_contest_router(services.contests))
    return routers
