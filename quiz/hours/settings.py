"""The defaults of the 学时 rules (the city administrator edits the rules in force; these seed them)."""

from __future__ import annotations

from pydantic import Field

from kb.config import StrictModel


class HoursSettings(StrictModel):
    yearly_target: float = Field(60.0, gt=0, le=1000, description="学时 each officer needs a year.")
