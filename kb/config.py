"""The strict base of every settings section: a key that is not a field is an error, not silently ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A settings model that refuses unknown keys (``extra="forbid"``).

    ``xuefa.settings.load_settings`` turns the refusal into an error naming the misspelt key and the nearest
    valid one.
    """

    model_config = ConfigDict(extra="forbid")
