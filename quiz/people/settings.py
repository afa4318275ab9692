"""Settings of accounts: sessions, lockout, passwords."""

from __future__ import annotations

from pydantic import Field

from kb.config import StrictModel


class AccountSettings(StrictModel):
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="A sign-in expires after this many hours.")
    lockout_failures: int = Field(5, ge=1, le=100,
                                  description="Wrong passwords in a row before an account is locked.")
    lockout_minutes: float = Field(15.0, gt=0, le=24 * 60, description="How long a locked account stays locked.")
    min_password_length: int = Field(8, ge=6, le=64, description="The shortest password an account may set.")
    hash_time_cost: int = Field(3, ge=1, le=20, description="argon2id passes per password hash.")
    hash_memory_kib: int = Field(65536, ge=1024, le=1048576,
                                 description="argon2id memory per password hash, KiB (64 MiB by default).")
