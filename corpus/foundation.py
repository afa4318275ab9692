"""The list of documents transport enforcement rests on (``foundation.tsv``, facts from public sources), which
``kb.coverage`` checks against a knowledge base."""

from __future__ import annotations

from pathlib import Path

from kb.coverage import FoundationDocument, load_foundation

BUNDLED_FOUNDATION = Path(__file__).with_name("foundation.tsv")


def foundation_documents(setting: str) -> tuple[FoundationDocument, ...]:
    """The list a ``kb.foundation`` setting names: 'bundled', a TSV path, or '' (none)."""
    if not setting:
        return ()
    return load_foundation(BUNDLED_FOUNDATION if setting == "bundled" else Path(setting).expanduser())
