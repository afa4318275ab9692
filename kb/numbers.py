"""Chinese numerals as legal texts write them: 第一百零八条 ↔ 108."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def cn_to_int(text: str) -> int | None:
    """Parse 三十三, 一百零八, 33 or ３３; None if it is not a number."""
    s = text.strip().translate(_FULLWIDTH)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total = 0
    section = 0
    digit: int | None = None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch == "万":
            section += digit or 0
            total += (section or 1) * 10000
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """108 → 一百零八, 10 → 十, 20 → 二十 (the forms used in article numbers)."""
    if n < 0:
        raise ValueError(n)
    if n == 0:
        return "零"
    digits = "零一二三四五六七八九"
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = int_to_cn(low) if low else ""
        if low and low < 1000:
            rest = "零" + rest
        return int_to_cn(high) + "万" + rest
    out = []
    units = [(1000, "千"), (100, "百"), (10, "十")]
    zero_pending = False
    started = False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero_pending:
                out.append("零")
                zero_pending = False
            if not (value == 10 and d == 1 and not started):
                out.append(digits[d])
            out.append(name)
            started = True
        elif started:
            zero_pending = True
    if n:
        if zero_pending:
            out.append("零")
        out.append(digits[n])
    return "".join(out)


def article_label(number: int, suffix: str = "") -> str:
    """33 → 第三十三条; with suffix 之一 → 第三十三条之一."""
    return f"第{int_to_cn(number)}条{suffix}"


ARTICLE_NUMERALS = "零〇一二两三四五六七八九十百千"
"""The Chinese numerals of an article's or a division's number (第一百零八条, 第二章): a regex class's content."""
CN_NUMERAL_CHARS = ARTICLE_NUMERALS + "万"
"""Every character of a Chinese numeral (三万五千)."""
ITEM_NUMERALS = "一二三四五六七八九十百"
"""The numerals of an item (（一）…（一百）) or a list's 一、."""
SMALL_NUMERALS = "一二三四五六七八九十"
"""The numerals of a 之一 suffix or a short item number."""
