"""Discretion benchmarks (行政处罚裁量基准) as data: one row per violation × step, its measurable bounds, its range.

A benchmark is stored as a document of its own (level 规范性文件, title …裁量基准); each row is one unit of
kind ``section`` whose label names the row as the file shows it (``第12行``, ``路政第12行`` for a workbook of
several sheets) and whose text reads naturally for search and answers::

    违法行为：车辆在公路上擅自超限行驶；违反：《公路法》第五十条；处罚依据：《公路法》第七十六条第（五）项；
    裁量阶次：较重；情形：超限30%以上50%以下；处罚：处1万元以上2万元以下罚款

:func:`row_of` reads a stored unit back into a :class:`BenchmarkRow`; the measurable bounds of its conditions
(超限 30% 以下, 违法所得 N 元, 第N次 …) are parsed by :func:`parse_bounds`. :func:`settle_steps` is the small
rule that picks, among the sibling rows of one violation, the step whose bounds hold the numbers of the
question ("超限 35% 怎么罚" → the row of 30%–50%), after the learned ranker has ranked the units.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from kb.citations import parse_citations
from kb.models import Citation, Hit, StoredUnit, Unit
from kb.numbers import cn_to_int

__all__ = ["BenchmarkRow", "Bound", "PenaltyRange", "Quantity", "fits", "is_benchmark_unit", "parse_bounds",
           "parse_penalty", "question_quantities", "row_citations", "row_label", "row_of", "row_text",
           "settle_steps"]

FIELD_NAMES = (("violation", "违法行为"), ("violated", "违反"), ("basis", "处罚依据"), ("step", "裁量阶次"),
               ("conditions", "情形"), ("penalty", "处罚"))
"""The fields of a row's text, in order, with the words that introduce them."""
_SEP = "；"
_FIELD_START = re.compile(rf"{_SEP}(?=(?:{'|'.join(name for _, name in FIELD_NAMES[1:])})：)")
_ROW_LABEL = re.compile(r"^(?P<sheet>.*?)第(?P<row>\d+)行$")

# numbers: 35、35.5、３５、三十五、1.5万
_ARABIC = r"\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万]+"
_NUMBER = rf"(?:{_ARABIC}|{_CN})"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％～－—–", "0123456789.%~---")
_UNITS: dict[str, tuple[str, float]] = {
    "%": ("%", 1.0), "万元": ("元", 10000.0), "元": ("元", 1.0), "次": ("次", 1.0), "吨": ("吨", 1.0),
    "日": ("日", 1.0), "天": ("日", 1.0), "个月": ("月", 1.0), "公里": ("公里", 1.0), "辆": ("辆", 1.0),
    "人": ("人", 1.0), "米": ("米", 1.0), "平方米": ("平方米", 1.0), "个": ("个", 1.0), "处": ("处", 1.0),
}
_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_QUANTITY = re.compile(rf"(?P<pct>百分之(?P<pn>{_NUMBER}))|(?P<n>{_NUMBER})\s*(?P<u>{_UNIT})")
_LOW_AFTER = re.compile(r"^\s*(?:[（(]含(?:本数)?[）)])?\s*(?:以上|及以上|或以上|起)")
_HIGH_AFTER = re.compile(r"^\s*(?:[（(]含(?:本数)?[）)])?\s*(?:以下|及以下|以内|之内|内)")
_LOW_BEFORE = re.compile(r"(?:超过|大于|高于|达到|满|不低于|不少于|逾)\s*$")
_HIGH_BEFORE = re.compile(r"(?:不足|未满|不满|低于|少于|小于|不超过|不到|未达到|未超过)\s*$")
_RANGE_GAP = re.compile(r"^\s*(?:[（(]含(?:本数)?[）)])?\s*(?:以上)?\s*(?:至|到|-|~)?\s*(?:不足|未满|不满|低于|不超过)?\s*$")
_FIRST_TIME = re.compile(r"首次|初次|第一次")
_NTH_TIME = re.compile(rf"第\s*({_NUMBER})\s*次")
_FINE = re.compile(
    rf"(?:(?P<lo>{_NUMBER})\s*(?P<lu>万元|元)?\s*(?:以上|至|到|-|~)\s*)?(?P<hi>{_NUMBER})\s*(?P<hu>万元|元)\s*(?P<tail>以下|以内)?"
)
_KINDS = ("不予处罚", "不予行政处罚", "警告", "通报批评", "罚款", "没收", "责令", "暂扣", "吊销", "降低资质等级",
          "限制开展生产经营活动", "责令停产停业", "拘留")


@dataclass(frozen=True)
class Bound:
    """A measurable condition: ``quantity`` (%, 元, 次, 吨, 日 …) between ``low`` and ``high`` (inclusive; None:
    open)."""

    quantity: str
    low: float | None = None
    high: float | None = None

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def width(self) -> float:
        if self.low is None or self.high is None:
            return float("inf")
        return self.high - self.low

    def strictly_inside(self, value: float) -> bool:
        return (self.low is None or value > self.low) and (self.high is None or value < self.high)


@dataclass(frozen=True)
class Quantity:
    """A number a question states, with its unit: 35 %, 5000 元, 2 次."""

    quantity: str
    value: float


@dataclass(frozen=True)
class PenaltyRange:
    """What a step's penalty is: its kinds (警告, 罚款, 责令…) and the fine's range in 元 (None: not stated)."""

    kinds: tuple[str, ...]
    fine_min: float | None = None
    fine_max: float | None = None


@dataclass(frozen=True)
class BenchmarkRow:
    """One row of a discretion benchmark: a violation at one step.

    ``violated`` and ``basis`` are the articles as the table writes them (resolved against the knowledge base
    by :func:`row_citations`); ``sheet`` and ``row`` say where the row stands in the file (the row number as a
    spreadsheet or the table shows it, its header rows counted).
    """

    violation: str
    violated: str
    basis: str
    step: str
    conditions: str
    penalty: str
    sheet: str = ""
    row: int = 0

    @property
    def label(self) -> str:
        return row_label(self.sheet, self.row)

    @property
    def bounds(self) -> tuple[Bound, ...]:
        """Measurable bounds of the conditions (or, if the table puts them there, of the step)."""
        return parse_bounds(self.conditions) or parse_bounds(self.step)

    @property
    def penalty_range(self) -> PenaltyRange:
        return parse_penalty(self.penalty)

    @property
    def group(self) -> tuple[str, str]:
        """Rows of one violation (its steps) share this."""
        return (self.sheet, self.violation)


def row_label(sheet: str, row: int) -> str:
    """``第12行``; ``路政第12行`` when the workbook has several sheets."""
    return f"{sheet}第{row}行"


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace(_SEP, "，").replace(";", "，")).strip()


def row_text(row: BenchmarkRow) -> str:
    """The unit text of a row: its fields after their names, joined by ；, empty fields left out."""
    parts = []
    for attr, name in FIELD_NAMES:
        value = _clean(getattr(row, attr))
        if value:
            parts.append(f"{name}：{value}")
    return _SEP.join(parts)


def is_benchmark_unit(unit: Unit) -> bool:
    return unit.kind == "section" and unit.text.startswith("违法行为：") and bool(_ROW_LABEL.match(unit.label))


def row_of(unit: Unit) -> BenchmarkRow | None:
    """The benchmark row a stored unit holds, None for any other unit."""
    if not is_benchmark_unit(unit):
        return None
    label = _ROW_LABEL.match(unit.label)
    assert label is not None
    values = {attr: "" for attr, _ in FIELD_NAMES}
    names = {name: attr for attr, name in FIELD_NAMES}
    for part in _FIELD_START.split(unit.text):
        name, _, value = part.partition("：")
        if name in names:
            values[names[name]] = value
    return BenchmarkRow(**values, sheet=label["sheet"], row=int(label["row"]))


def _number(raw: str) -> float | None:
    raw = raw.strip()
    if re.fullmatch(_ARABIC, raw):
        return float(raw)
    value = cn_to_int(raw)
    return None if value is None else float(value)


def _normalise(text: str) -> str:
    return text.translate(_FULLWIDTH).replace("％", "%")


def _quantities(text: str) -> list[tuple[Quantity, int, int]]:
    """The numbers with units in a text, with their spans."""
    out = []
    for m in _QUANTITY.finditer(text):
        if m["pct"]:
            value, unit = _number(m["pn"]), "%"
            scale = 1.0
        else:
            value = _number(m["n"])
            unit, scale = _UNITS[m["u"]]
        if value is not None:
            out.append((Quantity(unit, value * scale), m.start(), m.end()))
    return out


def parse_bounds(text: str) -> tuple[Bound, ...]:
    """The measurable bounds a condition states: 超限30%以下 → ≤30 %; 30%（含）以上50%以下, 30%-50% → 30–50 %;
    50%以上, 超过50% → ≥50 %; 违法所得5000元以上 → ≥5000 元; 首次 → 1 次; 第二次 → 2 次; 3次以上 → ≥3 次.
    Bounds are inclusive (以上、以下 include the number, as legal usage has it); a number without a direction
    bounds nothing."""
    text = _normalise(text)
    found = _quantities(text)
    out: list[Bound] = []
    i = 0
    while i < len(found):
        q, start, end = found[i]
        after = text[end:]
        before = text[:start]
        if i + 1 < len(found):
            q2, start2, _ = found[i + 1]
            gap = text[end:start2]
            if q2.quantity == q.quantity and _RANGE_GAP.match(gap) and q2.value >= q.value and gap.strip():
                out.append(Bound(q.quantity, q.value, q2.value))
                i += 2
                continue
        if _HIGH_AFTER.match(after) or _HIGH_BEFORE.search(before):
            out.append(Bound(q.quantity, None, q.value))
        elif _LOW_AFTER.match(after) or _LOW_BEFORE.search(before):
            out.append(Bound(q.quantity, q.value, None))
        elif q.quantity == "次" and not re.search(r"累计|共|合计", before[-4:]):
            out.append(Bound("次", q.value, q.value))
        i += 1
    if not any(b.quantity == "次" for b in out):
        if _FIRST_TIME.search(text):
            out.append(Bound("次", 1, 1))
        elif nth := _NTH_TIME.search(text):
            value = _number(nth[1])
            if value is not None:
                out.append(Bound("次", value, value))
    return tuple(out)


def question_quantities(question: str) -> list[Quantity]:
    """The numbers a question states with their units (超限35% → 35 %; 第二次 → 2 次; 违法所得8000元 → 8000 元)."""
    text = _normalise(question)
    found = [q for q, _, _ in _quantities(text)]
    if not any(q.quantity == "次" for q in found):
        if _FIRST_TIME.search(text):
            found.append(Quantity("次", 1))
        elif nth := _NTH_TIME.search(text):
            value = _number(nth[1])
            if value is not None:
                found.append(Quantity("次", value))
    return found


def fits(row: BenchmarkRow, quantities: Sequence[Quantity]) -> bool:
    """The rule: a row fits the question's numbers when it bounds at least one of their quantities and every
    bound of such a quantity holds the number."""
    bounds = row.bounds
    shared = [q for q in quantities if any(b.quantity == q.quantity for b in bounds)]
    if not shared:
        return False
    return all(any(b.contains(q.value) for b in bounds if b.quantity == q.quantity) for q in shared)


def _tightness(row: BenchmarkRow, quantities: Sequence[Quantity]) -> tuple[int, float]:
    """Prefer a row that holds the number strictly inside (on a shared boundary both hold it), then the
    narrower."""
    bounds = [b for b in row.bounds if any(q.quantity == b.quantity for q in quantities)]
    inside = sum(1 for b in bounds for q in quantities if q.quantity == b.quantity and b.strictly_inside(q.value))
    return (-inside, min((b.width for b in bounds), default=float("inf")))


def parse_penalty(text: str) -> PenaltyRange:
    """处1万元以上3万元以下罚款 → 罚款 10000–30000; 处五千元以下的罚款 → 罚款 ≤5000; 警告 → 警告."""
    norm = _normalise(text)
    kinds = tuple(k for k in _KINDS if k in norm)
    low = high = None
    if "罚款" in norm:
        for m in _FINE.finditer(norm):
            hi = _number(m["hi"])
            if hi is None:
                continue
            scale = 10000.0 if m["hu"] == "万元" else 1.0
            high = hi * scale
            if m["lo"]:
                lo = _number(m["lo"])
                lo_scale = 10000.0 if (m["lu"] or m["hu"]) == "万元" else 1.0
                low = None if lo is None else lo * lo_scale
            elif not m["tail"]:  # 处5000元罚款: a fixed amount
                low = high
            break
    return PenaltyRange(kinds, low, high)


def row_citations(row: BenchmarkRow, known_keys: Sequence[str] | None = None) -> list[Citation]:
    """The articles a row cites (违反, then 处罚依据), as written; a cell that names only 第N条 takes the law
    the row's other cell names."""
    out: list[Citation] = []
    fallback = ""
    for text in (row.violated, row.basis):
        found = parse_citations(text, known_keys)
        if found and not fallback:
            fallback = found[0].law
        out.extend(found)
    for text in (row.violated, row.basis):
        if not parse_citations(text, known_keys) and fallback and "第" in text:
            out.extend(parse_citations(f"《{fallback}》{text.strip()}", known_keys))
    return list(dict.fromkeys(out))


UnitsOf = Callable[[str], Sequence[StoredUnit]]
"""units_of(doc_id): the stored units of a document."""
Lookup = Callable[[Citation], Hit | None]
"""lookup(citation): the stored article a citation names (``KnowledgeBase.lookup``)."""


def settle_steps(hits: Sequence[Hit], question: str, units_of: UnitsOf, lookup: Lookup | None = None,
                 known_keys: Callable[[], Sequence[str]] | None = None) -> list[Hit]:
    """The rule for a question that states numbers (超限35%, 违法所得8000元, 第二次): among the sibling rows of
    one violation the ranker found, the step whose measurable bounds hold the numbers takes the place of the
    first of them and the others go; a row whose violation bounds those quantities but has no step holding
    them goes after the rows that do. Without numbers the rows stay as ranked. With ``lookup``, the penalty
    articles (处罚依据) of the first row follow it when the search had not found them; ``known_keys`` gives the
    stored laws' keys to read those citations with, asked only then (not on every search)."""
    quantities = question_quantities(question)
    if not quantities or not any(is_benchmark_unit(h.unit) for h in hits):
        return list(hits)
    out: list[Hit] = []
    demoted: list[Hit] = []
    settled: set[tuple[str, tuple[str, str]]] = set()
    cache: dict[str, Sequence[StoredUnit]] = {}
    for hit in hits:
        row = row_of(hit.unit)
        if row is None:
            out.append(hit)
            continue
        group = (hit.document.doc_id, row.group)
        if group in settled:
            continue
        if hit.document.doc_id not in cache:
            cache[hit.document.doc_id] = units_of(hit.document.doc_id)
        siblings = [(su, r) for su in cache[hit.document.doc_id] if (r := row_of(su.unit)) and r.group == row.group]
        fitting = [(su, r) for su, r in siblings if fits(r, quantities)]
        if not fitting:
            bounded = any(b.quantity == q.quantity for _, r in siblings for b in r.bounds for q in quantities)
            (demoted if bounded else out).append(hit)
            continue
        best, _ = min(fitting, key=lambda pair: (_tightness(pair[1], quantities), pair[0].unit.ordinal))
        out.append(replace(hit, unit_id=best.unit_id, unit=best.unit))
        settled.add(group)
    if demoted:
        last_row = max((i for i, h in enumerate(out) if is_benchmark_unit(h.unit)), default=len(out) - 1)
        out[last_row + 1 : last_row + 1] = demoted
    if lookup is not None:
        out = _with_penalty_articles(out, lookup, known_keys)
    seen: set[str] = set()
    unique: list[Hit] = []
    for h in out:  # the first of each unit
        if h.unit_id not in seen:
            seen.add(h.unit_id)
            unique.append(h)
    return unique[: max(len(hits), 1)]


def _with_penalty_articles(hits: list[Hit], lookup: Lookup, known_keys: Callable[[], Sequence[str]] | None
                           ) -> list[Hit]:
    """The first row's 处罚依据 articles right after it, when they are not among the hits yet."""
    index = next((i for i, h in enumerate(hits) if is_benchmark_unit(h.unit)), None)
    if index is None:
        return hits
    row = row_of(hits[index].unit)
    assert row is not None
    have = {h.unit_id for h in hits}
    keys = known_keys() if known_keys is not None else None
    basis = [c for c in row_citations(replace(row, violated=""), keys) if c.article is not None]
    extra = []
    for citation in basis:
        found = lookup(citation)
        if found is not None and found.unit_id not in have:
            have.add(found.unit_id)
            extra.append(replace(found, score=hits[index].score))
    return hits[: index + 1] + extra + hits[index + 1 :]
