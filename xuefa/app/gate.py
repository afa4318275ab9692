"""The admin side of a browser session: its ``gr.State`` holds the session token of ``quiz.people`` (never a
password), and every admin handler goes through ``Gate.on``: the token is resolved to an ``Actor`` at the
start (an expired or signed-out session clears the State, and every tab shows its login again), officers
and accounts that must still change their password get nothing, and an ``AccessDenied`` of the handler
(another unit's exam or contest) is a warning with nothing done. What an admin did is recorded through
``Gate.record`` with the browser's address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import gradio as gr
from gradio.events import Dependency

from quiz.people.access import require_admin
from quiz.people.accounts import Accounts
from quiz.people.models import AccessDenied, Actor

EXPIRED = "登录已失效（超时或已退出），请重新登录。"
MAX_CLIENT = 300


class AdminAction(StrEnum):
    """What the app records in the admins' audit (``Accounts.record``)."""

    EXAM_CREATE = "exam_create"
    EXAM_ASSEMBLE = "exam_assemble"
    EXAM_ROSTER = "exam_roster"
    EXAM_OPEN = "exam_open"
    EXAM_CLOSE = "exam_close"
    EXAM_UNLOCK = "exam_unlock"
    EXAM_RELEASE = "exam_release"
    EXAM_UNRELEASE = "exam_unrelease"
    EXAM_REPORT = "exam_report"
    EXAM_EXPORT = "exam_export"
    EXAM_AUDIT = "exam_audit"
    CONTEST_CREATE = "contest_create"
    CONTEST_HOST = "contest_host"
    CONTEST_EXPORT = "contest_export"
    CONTEST_DELETE = "contest_delete"
    KB_INGEST = "kb_ingest"
    KB_REVIEW = "kb_review"
    CHECKLIST_LOAD = "checklist_load"


def client_of(request: gr.Request | None) -> str:
    """The browser's address as the server saw it (``""`` when called without a request)."""
    client = getattr(request, "client", None) if request is not None else None
    return str(getattr(client, "host", "") or "")[:MAX_CLIENT]


@dataclass(frozen=True)
class Admin:
    """The administrator a handler acts for, and where from."""

    actor: Actor
    client: str = ""


@dataclass(frozen=True)
class Gate:
    accounts: Accounts
    session: gr.State
    """The session token (``""``: not signed in), shared by the tabs."""

    def actor(self, token: str | None) -> Actor | None:
        """The session's administrator, ready to act: signed in, not expired, an admin, its password changed."""
        actor = self.accounts.actor(token) if token else None
        try:
            return require_admin(actor)
        except AccessDenied:
            return None

    def must_change(self, token: str | None) -> bool:
        """Signed in as an administrator who must still change the first password."""
        actor = self.accounts.actor(token) if token else None
        return actor is not None and actor.admin and actor.must_change_password

    def sign_out(self, token: str | None) -> str:
        """End the session; the State's new value (``""``)."""
        if token:
            self.accounts.sign_out(token)
        return ""

    def record(self, admin: Admin, action: AdminAction, target: str = "", detail: str = "",
               unit: str | None = None) -> None:
        """``unit``: the unit whose exam or contest it was (its administrators read the entry); default the
        administrator's own."""
        self.accounts.record(admin.actor, action.value, target, detail, admin.client, unit=unit)

    def handler(self, fn: Callable[..., Any], outputs: int) -> Callable[..., tuple[Any, ...]]:
        """``fn(admin, *inputs)`` as a Gradio handler of ``(request, token, *inputs)`` whose last output is the
        session State (cleared when the session has expired)."""

        def run(request: gr.Request, token: str, *args: Any) -> tuple[Any, ...]:
            actor = self.actor(token)
            if actor is None:
                gr.Warning(EXPIRED)
                return (*[gr.skip()] * outputs, "")
            try:
                result = fn(Admin(actor, client_of(request)), *args)
            except AccessDenied as exc:
                gr.Warning(str(exc))
                return (*[gr.skip()] * outputs, gr.skip())
            return (*(result if outputs > 1 else (result,)), gr.skip())

        run.__name__ = getattr(fn, "__name__", "run")
        return run

    def on(self, trigger: Callable[..., Dependency], fn: Callable[..., Any], inputs: list[Any], outputs: list[Any],
           **options: Any) -> Dependency:
        """Bind ``fn(admin, *inputs)`` to an event (``button.click``…) behind the session's sign-in."""
        return trigger(self.handler(fn, len(outputs)), [self.session, *inputs], [*outputs, self.session], **options)
