"""Passwords: argon2id hashes (argon2-cffi), the rules a new password must meet, session tokens.

Nothing here logs or keeps a password; a session token is handed out once and stored as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from quiz.people.models import AccountError

MAX_PASSWORD_LENGTH = 256


@dataclass(frozen=True)
class Verified:
    ok: bool
    new_hash: str = ""
    """Set when the stored hash was made with weaker parameters than today's: store this one instead."""


@dataclass
class Passwords:
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> Verified:
        """Check ``password`` against ``stored_hash``; an empty or damaged hash costs the same time as a
        real one (a dummy is checked) and never matches."""
        if not stored_hash:
            self._spend_time(password)
            return Verified(False)
        try:
            self.hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return Verified(False)
        if self.hasher.check_needs_rehash(stored_hash):
            return Verified(True, self.hasher.hash(password))
        return Verified(True)

    def _spend_time(self, password: str) -> None:
        with suppress(VerificationError, InvalidHashError):
            self.hasher.verify(self._dummy_hash, password)

    @cached_property
    def _dummy_hash(self) -> str:
        return self.hasher.hash(secrets.token_urlsafe(16))


def check_new_password(password: str, login: str, min_length: int) -> None:
    """AccountError, in Chinese, for a password an account may not set."""
    if len(password) < min_length:
        raise AccountError(f"密码至少需要 {min_length} 个字符。")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"密码不能超过 {MAX_PASSWORD_LENGTH} 个字符。")
    if password.casefold() == login.casefold():
        raise AccountError("密码不能与账号相同。")
    if len(set(password)) == 1:
        raise AccountError("密码不能全部是同一个字符。")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
