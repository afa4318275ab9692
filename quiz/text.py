"""Small text helpers shared by the generators and the checks: normalising, splitting, overlap."""

from __future__ import annotations

import re
import unicodedata

from kb.numbers import SMALL_NUMERALS

_SPACE_RE = re.compile(r"[\s\u3000]+")
_HALF_TO_FULL = str.maketrans(
    {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
    | {chr(0xFF10 + d): str(d) for d in range(10)}
)
ITEM_MARKER_RE = re.compile(rf"^\s*(?:[（(][{SMALL_NUMERALS}]+[)）]|\d+[.．、]|[（(]\d+[)）])\s*")
_END_PUNCT = "。；;，,：:、 "
_PUNCT_RE = re.compile(r"[\s\u3000，。；：、！？“”‘’（）《》〈〉()\[\]【】,.;:!?\"'·—…-]+")


def normalize(text: str) -> str:
    """Text as compared: no whitespace, full-width punctuation, ASCII digits."""
    return _SPACE_RE.sub("", text).translate(_HALF_TO_FULL)


def normalize_id(value: str) -> str:
    """An officer id (警号, 执法证号) as compared everywhere: NFKC, no spaces, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def normalize_name(value: str) -> str:
    """A person's name as compared: NFKC, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def strip_marker(text: str) -> str:
    """（一）当事人… → 当事人…; 1. … → …"""
    return ITEM_MARKER_RE.sub("", text, count=1).strip()


def trim_end(text: str) -> str:
    """Drop trailing punctuation: 五日内提出； → 五日内提出."""
    return text.strip().rstrip(_END_PUNCT)


def as_sentence(text: str) -> str:
    """A clause or item turned into a sentence that ends with 。"""
    body = trim_end(text)
    return body + "。" if body else ""


def bare(text: str) -> str:
    """Only the characters that carry meaning: no punctuation or whitespace."""
    return _PUNCT_RE.sub("", text)


def bigrams(text: str) -> set[str]:
    s = bare(text)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def coverage(part: str, whole: str) -> float:
    """Share of ``part``'s character bigrams found in ``whole`` (1.0 for an empty part)."""
    grams = bigrams(part)
    if not grams:
        return 1.0
    return len(grams & bigrams(whole)) / len(grams)


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of character bigrams."""
    ga, gb = bigrams(a), bigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


def longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring of the meaningful characters of a and b."""
    x, y = bare(a), bare(b)
    best = 0
    prev = [0] * (len(y) + 1)
    for ch in x:
        cur = [0] * (len(y) + 1)
        for j, other in enumerate(y, start=1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def contains(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` once both are normalised (ends trimmed)."""
    n = normalize(trim_end(needle))
    return bool(n) and n in normalize(haystack)


def sentences(text: str) -> list[str]:
    """Split a paragraph at 。 (keeping it); lines are kept apart."""
    out: list[str] = []
    for line in text.split("\n"):
        for part in re.split(r"(?<=。)", line.strip()):
            if part.strip():
                out.append(part.strip())
    return out
