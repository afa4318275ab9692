"""An exam blueprint (how many questions of which type, law or chapter and difficulty; points per type;
time limit), parsed from YAML/JSON, and the allocation of bank questions to its lines.

Allocation: the lines with the fewest matching questions pick first, and each line prefers questions no
other line could use, so overlapping lines (单选 × 行政处罚法 beside 单选 × 全部法律) share the bank well.
With ``variants`` papers (A/B) a line takes ``count × variants`` distinct questions and deals them out in
turn, so parallel papers share no question and have the same make-up.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

import yaml

from quiz.exam.models import BlueprintError, Shortfall
from quiz.models import QUESTION_TYPE_NAMES, Question, QuestionType, question_type

TYPE_ORDER: tuple[QuestionType, ...] = get_args(QuestionType)
DEFAULT_POINTS: dict[str, float] = {"single": 1, "multi": 2, "judge": 1, "blank": 2, "short": 10, "case": 15}
MAX_DURATION_MIN = 600
MAX_COUNT = 500
VARIANT_NAMES = "ABCDEF"


@dataclass(frozen=True)
class BlueprintItem:
    type: QuestionType
    count: int
    law: str = ""
    chapter: str = ""
    difficulty: int | None = None

    @property
    def label(self) -> str:
        """单选 × 行政处罚法 × 难度2."""
        parts = [QUESTION_TYPE_NAMES[self.type], self.law or "全部法律"]
        if self.chapter:
            parts.append(self.chapter)
        if self.difficulty is not None:
            parts.append(f"难度{self.difficulty}")
        return " × ".join(parts)

    def matches(self, q: Question) -> bool:
        if q.type != self.type or (self.difficulty is not None and q.difficulty != self.difficulty):
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
        return {
            "duration_min": self.duration_min,
            "points": {t: self.points_for(t) for t in used},
            "allow_drafts": self.allow_drafts,
            "multi_partial_credit": self.multi_partial_credit,
            "items": [
                {k: v for k, v in (("type", i.type), ("law", i.law), ("chapter", i.chapter),
                                   ("difficulty", i.difficulty), ("count", i.count)) if v not in ("", None)}
                for i in self.items
            ],
        }


def chapter_matches(chapter: str, wanted: str) -> bool:
    """``第五章`` matches ``第五章 行政处罚的决定``; so does the full heading."""
    chapter, wanted = chapter.strip(), wanted.strip()
    return bool(chapter) and (chapter == wanted or chapter.split()[0] == wanted or chapter.startswith(wanted))


def parse_blueprint(text: str | Mapping[str, Any]) -> Blueprint:
    """A blueprint from YAML or JSON text (or the parsed mapping). Types in English or Chinese::

        duration_min: 90
        points: {单选: 1, 多选: 2, 判断: 1}
        items:
          - {type: 单选, law: 行政处罚法, difficulty: 2, count: 10}
          - {type: 判断, count: 10}
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
    items = tuple(_item(raw, n) for n, raw in enumerate(raw_items, start=1))
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
    )


def dump_blueprint(blueprint: Blueprint) -> str:
    return json.dumps(blueprint.to_json(), ensure_ascii=False, indent=2)


def _item(raw: Any, n: int) -> BlueprintItem:
    if not isinstance(raw, Mapping):
        raise BlueprintError(f"items 第 {n} 条应是对象，如 {{type: 单选, law: 行政处罚法, count: 10}}。")
    qtype = _type(str(raw.get("type") or ""), f"items 第 {n} 条")
    count = _int(raw.get("count"), f"items 第 {n} 条的 count")
    if not 1 <= count <= MAX_COUNT:
        raise BlueprintError(f"items 第 {n} 条的题数 count 应在 1 到 {MAX_COUNT} 之间。")
    difficulty = raw.get("difficulty")
    if difficulty in ("", None):
        level = None
    else:
        level = _int(difficulty, f"items 第 {n} 条的 difficulty")
        if level not in (1, 2, 3):
            raise BlueprintError(f"items 第 {n} 条的难度 difficulty 应为 1、2 或 3。")
    return BlueprintItem(qtype, count, str(raw.get("law") or "").strip(), str(raw.get("chapter") or "").strip(), level)


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
    short: dict[int, Shortfall] = {}
    for i in sorted(range(len(items)), key=lambda i: (len(pools[i]), i)):
        free = [q for q in pools[i] if q.id not in used]
        rng.shuffle(free)
        free.sort(key=lambda q: competitors[q.id])
        need = items[i].count * variants
        chosen = free[:need]
        used.update(q.id for q in chosen)
        picks[i] = tuple(chosen)
        if len(chosen) < need:
            short[i] = Shortfall(items[i].label, need, len(free), len(pools[i]) - len(free), variants)
    return Allocation(tuple(picks), tuple(short[i] for i in sorted(short)))


def variant_names(variants: int) -> tuple[str, ...]:
    if not 1 <= variants <= len(VARIANT_NAMES):
        raise BlueprintError(f"平行试卷套数应在 1 到 {len(VARIANT_NAMES)} 之间。")
    return tuple(VARIANT_NAMES[:variants])
