"""Where the plain pages' files are and the path they are served under (no Gradio import: the worker
processes of ``xuefa.web.workers`` serve them without it)."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/static-xf"
