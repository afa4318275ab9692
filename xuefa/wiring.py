"""The composition root: builds the services from the one settings object."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kb.base import KnowledgeBase, Progress
from xuefa.settings import Settings


def open_kb(settings: Settings, progress: Progress | None = None) -> KnowledgeBase:
    settings.home.mkdir(parents=True, exist_ok=True)
    return KnowledgeBase.open(settings.home / "kb", settings.kb, progress=progress)


@contextmanager
def knowledge_base(settings: Settings, progress: Progress | None = None) -> Iterator[KnowledgeBase]:
    kb = open_kb(settings, progress)
    try:
        yield kb
    finally:
        kb.close()
