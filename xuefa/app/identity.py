"""Who is practising: a 警号 and name the officer enters once, or an anonymous id, kept in the browser.

The value lives in ``gr.BrowserState`` (the browser's localStorage), so the wrong-answer book and mastery
follow the officer across reloads and server restarts. It is a plain dict ``{"user", "badge", "name"}``;
``user`` is the id practice data is stored under: ``badge:<警号>`` for an officer, ``anon:<hex>`` before
one is given. Typing a 警号 is no login: the 警号 identifies, it does not authenticate; anyone who types a
警号 sees that 警号's practice records. An officer who signs in (the 学时 tab) gets the account's 警号 here.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

STORAGE_KEY = "xuefa-practice-identity"
STORAGE_SECRET = "xuefa-practice-identity-v1"
"""BrowserState encrypts with this; Gradio sends it to the page anyway, so it is a fixed value that keeps the
stored identity readable after a server restart (a random one would lose every officer's identity)."""

MAX_BADGE = 20
MAX_NAME = 20
_BADGE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]*$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f<>\"'&]")
ANON_PREFIX = "anon:"
BADGE_PREFIX = "badge:"


class IdentityError(ValueError):
    """A 警号 or name that cannot be used. The message says why, in Chinese, and never repeats what was
    typed: Gradio shows toast messages as HTML."""


@dataclass(frozen=True)
class Identity:
    user: str = ""
    badge: str = ""
    name: str = ""

    @property
    def anonymous(self) -> bool:
        return not self.badge

    def as_value(self) -> dict[str, str]:
        return {"user": self.user, "badge": self.badge, "name": self.name}

    @classmethod
    def from_value(cls, value: Any) -> Identity:
        """What the browser holds, checked: anything malformed counts as no identity yet."""
        if not isinstance(value, dict):
            return cls()
        user, badge, name = (str(value.get(k) or "")[:100] for k in ("user", "badge", "name"))
        if badge:
            try:
                return officer(badge, name)
            except IdentityError:
                return cls()
        if user.startswith(ANON_PREFIX) and re.fullmatch(r"[0-9a-f]{32}", user[len(ANON_PREFIX):]):
            return cls(user=user)
        return cls()


def anonymous() -> Identity:
    return Identity(user=f"{ANON_PREFIX}{uuid.uuid4().hex}")


def ensure(identity: Identity) -> tuple[Identity, bool]:
    """The identity, or a new anonymous one if there is none; and whether it is new (to be stored)."""
    return (identity, False) if identity.user else (anonymous(), True)


def officer(badge: str, name: str = "") -> Identity:
    """An officer's identity from what they typed; IdentityError names what is wrong."""
    badge = badge.strip().replace(" ", "")
    name = " ".join(name.split())
    if not badge:
        raise IdentityError("请填写警号（执法证号）。")
    if len(badge) > MAX_BADGE or not _BADGE_RE.match(badge):
        raise IdentityError(f"警号格式不对：只能是 {MAX_BADGE} 位以内的数字、字母或“-”。")
    if len(name) > MAX_NAME or _CONTROL_RE.search(name):
        raise IdentityError(f"姓名不能超过 {MAX_NAME} 个字，也不能含有尖括号、引号等符号。")
    return Identity(user=f"{BADGE_PREFIX}{badge.upper()}", badge=badge.upper(), name=name)
