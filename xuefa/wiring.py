"""The knowledge base's openers, kept under their old name; the composition root is ``xuefa.services``."""

from __future__ import annotations

from xuefa.services import knowledge_base, open_kb

__all__ = ["knowledge_base", "open_kb"]
