"""What a loader returns: clean text of a file, with where its pages start."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LoadedText:
    path: Path
    text: str
    format: str
    title_hint: str = ""
    page_starts: tuple[int, ...] = field(default=())
