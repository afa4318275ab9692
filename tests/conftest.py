from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project: CI-only extra checks; skipped where it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED
