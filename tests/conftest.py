from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project: CI-only extra checks; skipped where it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


TEST_DATABASE_ENV = "XUEFA_TEST_DATABASE_URL"
"""A PostgreSQL URL (``scripts/postgres.sh`` prints one; ``.ci/run`` sets it): the database tests then run
against that server as well as SQLite."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test: a SQLite file, or a new database on the PostgreSQL server of
    ``XUEFA_TEST_DATABASE_URL`` (dropped afterwards); the PostgreSQL run is skipped where none is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    server_url = os.environ.get(TEST_DATABASE_ENV, "")
    if not server_url:
        pytest.skip(f"{TEST_DATABASE_ENV} is not set (scripts/postgres.sh starts a server)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"xf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin: Any, name: str) -> None:
    """Drop a test database that a test may have left connections to.

    ``WITH (FORCE)`` ends our own leftover sessions, but refuses when an autovacuum worker is in the database
    and the role lacks ``pg_signal_backend`` (a CI run failed on that); the plain ``DROP`` then ends the
    autovacuum worker itself. Either may meet a session that is just closing, hence the retries."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    statements = (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'DROP DATABASE IF EXISTS "{name}"')
    failure: DBAPIError | None = None
    for _ in range(20):
        for statement in statements:
            try:
                with admin.connect() as conn:
                    conn.execute(text(statement))
                return
            except DBAPIError as err:
                failure = err
        time.sleep(0.25)
    assert failure is not None
    raise failure


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, one per test process (Playwright's sync API allows one)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
