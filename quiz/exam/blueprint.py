"""An exam blueprint (how many questions of which type, law or chapter and difficulty; points per type;
time limit), parsed from YAML/JSON, and the allocation of bank questions to its lines.

Allocation: the lines with the fewest matching questions pick first, and each line prefers questions no
other line could use, so overlapping lines (单选 × 行政处罚法 beside 单选 × 全部法律) share the bank well.
With ``variants`` papers (A/B) a line takes ``count × variants`` distinct questions and deals them out in
turn, so parallel papers share no question and have the same make-up.

Two asks on the make-up (issue 15), for the whole blueprint or one line:
- ``difficulty``: a level (``2``) or a band (``[1, 2]``, ``"2-3"``); a line without its own takes the
  blueprint's.
- ``application_share``: at least this share of a line's questions (rounded up) are situation items —
  a case met on duty, made by a ``*.situation*`` generator — on every parallel paper. Kept line by line,
  so each type's share on a paper is at least as large; a bank without enough of them is named in the
  refusal (``单选 × 全部法律 × 情境题（至少 40%）：需要 4 题，题库只有 2 题``).
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import yaml

from quiz.exam.models import BlueprintError, Shortfall
from quiz.generation.situations import is_situation
from quiz.models import QUESTION_TYPE_NAMES, Question, QuestionType, question_type

TYPE_ORDER: tuple[QuestionType, ...] = get_args(QuestionType)
DEFAULT_POINTS: dict[str, float] = {"single": 1, "multi": 2, "judge": 1, "blank": 2, "short": 10, "case": 15}
MAX_DURATION_MIN = 600
MAX_COUNT = 500
VARIANT_NAMES = "ABCDEF"
LEVELS = (1, 2, 3)
_BAND_TEXT = re.compile(r"^\s*([1-3])\s*(?:-|–|—|~|～|至|到)\s*([1-3])\s*$")

Band = tuple[int, int]
"""A difficulty band: (lowest, highest) level, both included."""


@dataclass(frozen=True)
class BlueprintItem:
    type: QuestionType
    count: int
    law: str = ""
    chapter: str = ""
    difficulty: int | None = None
    difficulty_band: Band | None = None
    """A band of more than one level (``difficulty`` is then ``None``)."""
    application_share: float = 0.0

    @property
    def label(self) -> str:
        """单选 × 行政处罚法 × 难度2."""
        parts = [QUESTION_TYPE_NAMES[self.type], self.law or "全部法律"]
        if self.chapter:
            parts.append(self.chapter)
        if self.difficulty is not None:
            parts.append(f"难度{self.difficulty}")
        elif self.difficulty_band is not None:
            parts.append(f"难度{self.difficulty_band[0]}–{self.difficulty_band[1]}")
        return " × ".join(parts)

    @property
    def application_count(self) -> int:
        """Situation items this line needs on each paper."""
        return math.ceil(self.application_share * self.count - 1e-9)

    def matches(self, q: Question) -> bool:
        if q.type != self.type or (self.difficulty is not None and q.difficulty != self.difficulty):
            return False
        if self.difficulty_band is not None and not self.difficulty_band[0] <= q.difficulty <= self.difficulty_band[1]:
            return False
        return not self.chapter or chapter_matches(q.chapter, self.chapter)


@dataclass(frozen=True)
class Blueprint:
    items: tuple[BlueprintItem, ...]
    duration_min: int = 60
    points: Mapping[str, float] = field(default_factory=dict)
    allow_drafts: bool | None = None
    """Use draft (not yet approved) questions too; ``None``: QuizSettings.exam_allow_drafts."""
    multi_partial_credit: bool | None = None
    """多选 with no wrong option earns the share of keys chosen; ``None``: QuizSettings.exam_multi_partial_credit."""
    application_share: float = 0.0
    """The share of situation items a line asks unless it says otherwise."""
    difficulty: Band | None = None
    """The difficulty band of the lines that name no difficulty of their own."""

    def points_for(self, qtype: str) -> float:
        return float(self.points.get(qtype, DEFAULT_POINTS[qtype]))

    @property
    def question_count(self) -> int:
        return sum(i.count for i in self.items)

    @property
    def total_points(self) -> float:
        return sum(i.count * self.points_for(i.type) for i in self.items)

    def to_json(self) -> dict[str, Any]:
        used = dict.fromkeys(i.type for i in self.items)
        out: dict[str, Any] = {
            "duration_min": self.duration_min,
            "points": {t: self.points_for(t) for t in used},
            "allow_drafts": self.allow_drafts,
            "multi_partial_credit": self.multi_partial_credit,
            "items": [self._item_json(i) for i in self.items],
        }
        if self.application_share:
            out["application_share"] = self.application_share
        if self.difficulty is not None:
            out["difficulty"] = list(self.difficulty)
        return out

    def _item_json(self, item: BlueprintItem) -> dict[str, Any]:
        """A line as written: what it inherits from the blueprint is left out."""
        level: int | list[int] | None = item.difficulty
        if item.difficulty_band is not None and item.difficulty_band != self.difficulty:
            level = list(item.difficulty_band)
        out: dict[str, Any] = {k: v for k, v in (("type", item.type), ("law", item.law), ("chapter", item.chapter),
                                 ("difficulty", level), ("count", item.count)) if v not in ("", None)}
        if item.application_share != self.application_share:
            out["application_share"] = item.application_share
        return out


def chapter_matches(chapter: str, wanted: str) -> bool:
    """``第五章`` matches ``第五章 行政处罚的决定``; so does the full heading."""
    chapter, wanted = chapter.strip(), wanted.strip()
    return bool(chapter) and (chapter == wanted or chapter.split()[0] == wanted or chapter.startswith(wanted))


def parse_blueprint(text: str | Mapping[str, Any]) -> Blueprint:
    """A blueprint from YAML or JSON text (or the parsed mapping). Types in English or Chinese::

        duration_min: 90
        points: {单选: 1, 多选: 2, 判断: 1}
        application_share: 0.4      # optional: at least 40% situation items in each line
        difficulty: [2, 3]          # optional: the band of lines naming no difficulty
        items:
          - {type: 单选, law: 行政处罚法, difficulty: 2, count: 10}
          - {type: 判断, count: 10, application_share: 0}
    """
    if isinstance(text, str):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise BlueprintError(f"蓝图不是有效的 YAML/JSON：{e}") from e
    else:
        data = text
    if not isinstance(data, Mapping):
        raise BlueprintError("蓝图应是一个对象，含 items（各题型的题数）、points（每题分值）和 duration_min（考试时长）。")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise BlueprintError("蓝图没有 items：请列出各题型 × 法律 × 难度的题数。")
    share = _share(data.get("application_share"), "application_share")
    band = _difficulty(data.get("difficulty"), "蓝图的 difficulty")
    if band is not None and not isinstance(band, tuple):
        band = (band, band)
    items = tuple(_item(raw, n, share, band) for n, raw in enumerate(raw_items, start=1))
    points: dict[str, float] = {}
    for key, value in (data.get("points") or {}).items():
        qtype = _type(str(key), "points")
        try:
            points[qtype] = float(value)
        except (TypeError, ValueError) as e:
            raise BlueprintError(f"points 中 {key} 的分值 {value!r} 不是数字。") from e
        if not 0 < points[qtype] <= 100:
            raise BlueprintError(f"points 中 {key} 的分值应在 0 到 100 之间。")
    duration = _int(data.get("duration_min", 60), "duration_min")
    if not 1 <= duration <= MAX_DURATION_MIN:
        raise BlueprintError(f"考试时长 duration_min 应在 1 到 {MAX_DURATION_MIN} 分钟之间。")
    return Blueprint(
        items=items,
        duration_min=duration,
        points=points,
        allow_drafts=_flag(data.get("allow_drafts")),
        multi_partial_credit=_flag(data.get("multi_partial_credit")),
        application_share=share,
        difficulty=band,
    )


def dump_blueprint(blueprint: Blueprint) -> str:
    return json.dumps(blueprint.to_json(), ensure_ascii=False, indent=2)


def _item(raw: Any, n: int, share: float, band: Band | None) -> BlueprintItem:
    if not isinstance(raw, Mapping):
        raise BlueprintError(f"items 第 {n} 条应是对象，如 {{type: 单选, law: 行政处罚法, count: 10}}。")
    qtype = _type(str(raw.get("type") or ""), f"items 第 {n} 条")
    count = _int(raw.get("count"), f"items 第 {n} 条的 count")
    if not 1 <= count <= MAX_COUNT:
        raise BlueprintError(f"items 第 {n} 条的题数 count 应在 1 到 {MAX_COUNT} 之间。")
    own = _difficulty(raw.get("difficulty"), f"items 第 {n} 条的 difficulty")
    difficulty = own if own is not None else band
    if "application_share" in raw:
        share = _share(raw.get("application_share"), f"items 第 {n} 条的 application_share")
    level = difficulty if isinstance(difficulty, int) else None
    wide = difficulty if isinstance(difficulty, tuple) else None
    if wide is not None and wide[0] == wide[1]:
        level, wide = wide[0], None
    return BlueprintItem(qtype, count, str(raw.get("law") or "").strip(), str(raw.get("chapter") or "").strip(),
                         level, wide, share)


def _difficulty(value: Any, where: str) -> int | Band | None:
    """A level (``2``) or a band (``[1, 2]``, ``"1-2"``, ``"1–2"``)."""
    if value in ("", None):
        return None
    if isinstance(value, str) and (m := _BAND_TEXT.match(value)):
        value = [m.group(1), m.group(2)]
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise BlueprintError(f"{where} 的难度区间应写作 [最低, 最高]，如 [1, 2]。")
        low, high = (_int(v, where) for v in value)
        if low not in LEVELS or high not in LEVELS or low > high:
            raise BlueprintError(f"{where} 的难度区间 {list(value)} 无效：难度为 1、2 或 3，且最低不大于最高。")
        return (low, high)
    level = _int(value, where)
    if level not in LEVELS:
        raise BlueprintError(f"{where}：难度应为 1、2 或 3，或区间如 [1, 2]。")
    return level


def _share(value: Any, where: str) -> float:
    if value in ("", None):
        return 0.0
    if isinstance(value, bool):
        raise BlueprintError(f"{where} 应是 0 到 1 之间的小数，如 0.4。")
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError as e:
        raise BlueprintError(f"{where} 应是 0 到 1 之间的小数，如 0.4，而不是 {value!r}。") from e
    if not 0 <= share <= 1:
        raise BlueprintError(f"{where} 应在 0 到 1 之间（如 0.4：至少四成为情境题），而不是 {value!r}。")
    return share


def _type(value: str, where: str) -> QuestionType:
    try:
        return question_type(value)
    except ValueError as e:
        names = "、".join(QUESTION_TYPE_NAMES.values())
        raise BlueprintError(f"{where}：未知题型 {value!r}（可用：{names}）。") from e


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise BlueprintError(f"{where} 应是整数。")
    try:
        number = float(value)
    except (TypeError, ValueError) as e:
        raise BlueprintError(f"{where} 应是整数，而不是 {value!r}。") from e
    if number != int(number):
        raise BlueprintError(f"{where} 应是整数，而不是 {value!r}。")
    return int(number)


def _flag(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "是", "允许", "on")


# allocation --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    picks: tuple[tuple[Question, ...], ...]  # per blueprint line, count × variants questions
    shortfalls: tuple[Shortfall, ...]

    def paper(self, items: Sequence[BlueprintItem], variant: int, variants: int) -> list[tuple[BlueprintItem, Question]]:
        """Variant ``variant``'s questions, grouped by type in TYPE_ORDER, lines in blueprint order."""
        out: list[tuple[BlueprintItem, Question]] = []
        for qtype in TYPE_ORDER:
            for item, picked in zip(items, self.picks, strict=True):
                if item.type == qtype:
                    out.extend((item, q) for q in picked[variant::variants][: item.count])
        return out


def allocate(items: Sequence[BlueprintItem], pools: Sequence[Sequence[Question]], variants: int = 1,
             rng: random.Random | None = None) -> Allocation:
    """Pick ``count × variants`` distinct questions for each line from its pool (questions that match it)."""
    rng = rng or random.Random(0)
    competitors: dict[int | None, int] = {}
    for pool in pools:
        for q in pool:
            competitors[q.id] = competitors.get(q.id, 0) + 1
    used: set[int | None] = set()
    picks: list[tuple[Question, ...]] = [()] * len(items)
    short: list[tuple[int, Shortfall]] = []
    for i in sorted(range(len(items)), key=lambda i: (len(pools[i]), i)):
        item = items[i]
        free = [q for q in pools[i] if q.id not in used]
        rng.shuffle(free)
        free.sort(key=lambda q: competitors[q.id])
        need = item.count * variants
        # situation items first: dealt out in turn, each paper gets application_count of them
        cases = [q for q in free if is_situation(q.generator)]
        first = cases[: item.application_count * variants]
        picked_first = {id(q) for q in first}
        rest = [q for q in free if id(q) not in picked_first]
        chosen = first + rest[: need - len(first)]
        used.update(q.id for q in chosen)
        picks[i] = tuple(chosen)
        if len(chosen) < need:
            short.append((i, Shortfall(item.label, need, len(free), len(pools[i]) - len(free), variants)))
        if len(first) < item.application_count * variants:
            taken = sum(1 for q in pools[i] if is_situation(q.generator)) - len(cases)
            short.append((i, Shortfall(f"{item.label} × 情境题（至少 {item.application_share:.0%}）",
                                       item.application_count * variants, len(cases), taken, variants)))
    return Allocation(tuple(picks), tuple(s for _, s in sorted(short, key=lambda x: x[0])))


def variant_names(variants: int) -> tuple[str, ...]:
    if not 1 <= variants <= len(VARIANT_NAMES):
        raise BlueprintError(f"平行试卷套数应在 1 到 {len(VARIANT_NAMES)} 之间。")
    return tuple(VARIANT_NAMES[:variants])
