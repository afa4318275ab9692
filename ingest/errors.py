"""The one error type of ingestion: it names the file and the problem."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class FileRefused(IngestError):
    """A file the guard refuses before any parser reads it: over a limit, or built to harm; the reason (in
    Chinese) names what is too large and the limit."""
