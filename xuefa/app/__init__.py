"""The web app (Gradio): chat with tappable citations, law browser and search, admin ingest.

``build_app(services)`` assembles the Blocks; ``launch(settings)`` opens the knowledge base (loading the
starter corpus on a first start) and serves it. Importing this package turns Gradio's analytics off.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from xuefa.app.startup import build_services, launch
from xuefa.app.state import Services
from xuefa.app.ui import build_app, serve

__all__ = ["Services", "build_app", "build_services", "launch", "serve"]
