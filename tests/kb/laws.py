"""A small real knowledge base for tests: real laws from the bundled import, the bundled embedding model, Chroma on
disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.settings import KBSettings


def knowledge_base_of(home: Path, titles: Sequence[str], settings: KBSettings | None = None) -> KnowledgeBase:
    base = KnowledgeBase.open(home, settings or KBSettings())
    for doc in iter_documents(list(titles)):
        base.add(doc, f"test:{doc.meta.title}")
    return base
