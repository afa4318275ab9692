"""``xuefa hours``: the 学时 rules, offline activities, reports and the yearly plan."""

from __future__ import annotations

import click


@click.group()
def hours() -> None:
    """Training records (学时): reports per officer, unit and city; activities; the plan."""
