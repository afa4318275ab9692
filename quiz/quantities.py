"""Amounts, time limits and counts in legal text, and wrong values of the same family.

A quantity is a number with a unit (五日, 3000元, 二十四小时, 1万元, 两人). Each unit belongs to a family
of values that laws actually use (五日/七日/十日, 二千元/五千元/一万元): a distractor comes from the
same family, near the true value, and never from values the article itself uses with that unit, so an
option with it is provably wrong against the article.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass

from kb.numbers import CN_NUMERAL_CHARS, cn_to_int, int_to_cn

_CN = CN_NUMERAL_CHARS
_UNITS = ("个工作日", "工作日", "个月", "小时", "周岁", "日", "天", "年", "元", "人", "倍", "公里", "米", "学时")
QUANTITY_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?万?|[{_CN}]+)(?P<unit>{'|'.join(_UNITS)})"
)
_PERCENT_RE = re.compile(rf"百分之(?P<cn>[{_CN}]+)|(?P<ar>\d+(?:\.\d+)?)%")

FAMILIES: dict[str, tuple[int, ...]] = {
    "日": (1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 180),
    "工作日": (3, 5, 7, 10, 15, 20, 30),
    "月": (1, 2, 3, 6, 9, 12, 18, 24),
    "小时": (1, 2, 4, 6, 8, 12, 24, 48, 72),
    "年": (1, 2, 3, 5, 6, 10, 20),
    "周岁": (14, 16, 18, 21, 60, 70),
    "元": (
        10, 20, 50, 100, 200, 500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, 100000,
        200000, 300000, 500000, 1000000, 2000000, 5000000, 10000000,
    ),
    "人": (1, 2, 3, 5, 7),
    "倍": (1, 2, 3, 5, 10),
    "公里": (1, 2, 5, 10, 20, 50, 100, 200, 500, 800),
    "米": (1, 2, 5, 10, 20, 30, 50, 100, 200, 500),
    "学时": (8, 16, 24, 40, 60, 80),
    "%": (5, 10, 15, 20, 25, 30, 40, 50),
}
MAX_RATIO = 10.0
_FAMILY_OF = {"个工作日": "工作日", "工作日": "工作日", "个月": "月", "日": "日", "天": "日"}


@dataclass(frozen=True)
class Quantity:
    """One number-with-unit span of a text."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    family: str
    style: str  # "cn" (二千元), "arabic" (2000元), "wan" (1万元), "percent-cn", "percent-ar"

    @property
    def key(self) -> tuple[str, float]:
        return (self.family, self.value)


def _value(num: str) -> tuple[float, str] | None:
    if num[0].isdigit():
        if num.endswith("万"):
            return float(num[:-1]) * 10000, "wan"
        return float(num), "arabic"
    if "〇" in num or num == "零":
        return None
    value = cn_to_int(num)
    return (float(value), "cn") if value else None


def find_quantities(text: str) -> list[Quantity]:
    """Quantities in ``text`` in order; ordinals (第三日), dates (3月1日, 2021年) and fractions are skipped."""
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text):
        num, unit = m.group("num"), m.group("unit")
        before = text[max(0, m.start() - 1) : m.start()]
        if before == "第" or text.startswith("分之", m.end()) or num in ("百", "千", "万"):
            continue
        if unit == "日" and before == "月":
            continue
        if unit == "年" and (len(num) == 4 or "〇" in num):
            continue
        parsed = _value(num)
        if parsed is None:
            continue
        value, style = parsed
        family = _FAMILY_OF.get(unit, unit)
        if family == "年" and value > 50:
            continue
        out.append(Quantity(m.start(), m.end(), m.group(0), value, unit, family, style))
    for m in _PERCENT_RE.finditer(text):
        if m.group("cn"):
            v = cn_to_int(m.group("cn"))
            if v:
                out.append(Quantity(m.start(), m.end(), m.group(0), float(v), "%", "%", "percent-cn"))
        else:
            out.append(Quantity(m.start(), m.end(), m.group(0), float(m.group("ar")), "%", "%", "percent-ar"))
    out.sort(key=lambda q: q.start)
    return out


def quantity_keys(text: str) -> set[tuple[str, float]]:
    """(family, value) of every quantity in ``text``."""
    return {q.key for q in find_quantities(text)}


def render(value: float, like: Quantity) -> str:
    """``value`` written in the style and unit of ``like`` (二千元 → 五千元, 1万元 → 5万元)."""
    v = int(value) if float(value).is_integer() else value
    if like.style == "percent-cn":
        return f"百分之{int_to_cn(int(v))}"
    if like.style == "percent-ar":
        return f"{v}%"
    if like.style == "cn":
        number = int_to_cn(int(v))
        if int(v) == 2 and (like.text.startswith("两") or like.unit.startswith("个")):
            number = "两"
        return number + like.unit
    if like.unit == "元" and int(v) >= 10000 and int(v) % 10000 == 0:
        return f"{int(v) // 10000}万{like.unit}"  # 1万元, as regulations write it
    return f"{v}{like.unit}"


def distractor_values(q: Quantity, forbidden: set[tuple[str, float]], n: int, rng: random.Random) -> list[float]:
    """``n`` values of ``q``'s family near its value, none of which is ``forbidden`` (the article's own)."""
    family = FAMILIES.get(q.family)
    if not family:
        return []
    allowed = [float(v) for v in family if v != q.value and (q.family, float(v)) not in forbidden]
    if q.style == "wan":
        allowed = [v for v in allowed if v >= 10000 and v % 10000 == 0]
    if q.style == "cn" and q.family == "元":
        allowed = [v for v in allowed if v >= 10]
    allowed = [v for v in allowed if 1 / MAX_RATIO <= v / q.value <= MAX_RATIO]
    allowed.sort(key=lambda v: (abs(math.log(v / q.value)), v))
    near = allowed[: max(n + 1, 4)]
    if len(near) < n:
        return []
    picked = rng.sample(near, n)
    return sorted(picked)
