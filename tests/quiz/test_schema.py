"""An older database opened by a newer version: the indexes it lacks are made (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from quiz.db import create_tables, make_engine


def test_an_index_a_newer_version_added_is_made_on_an_older_database(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_quiz_attempts_user_time"))
        assert "ix_quiz_attempts_user_time" not in {i["name"] for i in inspect(engine).get_indexes("quiz_attempts")}
        create_tables(engine)
        create_tables(engine)  # twice: nothing made twice
        assert "ix_quiz_attempts_user_time" in {i["name"] for i in inspect(engine).get_indexes("quiz_attempts")}
    finally:
        engine.dispose()
