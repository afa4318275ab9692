"""``xuefa users``: units, accounts and roles, the roster import, the admins' audit."""

from __future__ import annotations

import click


@click.group()
def users() -> None:
    """Accounts of officers and administrators, by unit."""
