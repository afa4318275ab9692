"""How the guard's messages write sizes and counts."""

from __future__ import annotations

MB = 1024 * 1024


def megabytes(size: float) -> str:
    """812 MB, 1.5 MB, 0.3 MB: whole megabytes from 10 MB up."""
    value = size / MB
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


def limit_mb(limit: float) -> str:
    return f"{limit:g} MB"


def pixels(count: int) -> str:
    """100000000 → 1 亿像素; 2500000 → 250 万像素."""
    if count >= 100_000_000:
        return f"{count / 100_000_000:g} 亿像素"
    if count >= 10_000:
        return f"{count / 10_000:g} 万像素"
    return f"{count} 像素"
