"""A paper as a list of printable blocks, the same for DOCX and PDF: the paper itself, its answer key
(answers only) or its 解析 (each question with its answer, explanation and source articles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from quiz.exam.scoring import blank_keys
from quiz.models import LETTERS, QUESTION_TYPE_NAMES, Question
from quiz.source import citation_label

CN_NUMBERS = "一二三四五六七八九十"
ANSWER_LINES = 6
"""Blank lines under a 简答/案例分析 question on the printed paper."""
BlockKind = Literal["title", "subtitle", "line", "section", "question", "option", "answer", "note"]


class PaperKind(StrEnum):
    PAPER = "paper"
    KEY = "key"
    EXPLAINED = "explained"


KIND_NAMES = {PaperKind.PAPER: "试卷", PaperKind.KEY: "参考答案", PaperKind.EXPLAINED: "答案与解析"}


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


@dataclass(frozen=True)
class PaperEntry:
    number: int
    question: Question
    points: float


def paper_kind(with_key: bool, with_explanations: bool) -> PaperKind:
    if with_explanations:
        return PaperKind.EXPLAINED
    return PaperKind.KEY if with_key else PaperKind.PAPER


def key_text(q: Question) -> str:
    if q.type == "blank":
        return " 或 ".join(dict.fromkeys(blank_keys(q)))
    if q.type == "judge":
        return "正确（√）" if q.answer is True else "错误（×）"
    if q.type in ("short", "case") and q.key_points:
        points = "；".join(f"（{i}）{p}" for i, p in enumerate(q.key_points, start=1))
        return f"{q.answer}\n得分要点：{points}"
    return str(q.answer)


def blocks(title: str, variant: str, variants: int, duration_min: int, entries: Sequence[PaperEntry],
           kind: PaperKind) -> list[Block]:
    total = sum(e.points for e in entries)
    head = f"{title}（{variant} 卷）" if variants > 1 else title
    out = [Block("title", head if kind == PaperKind.PAPER else f"{head}{KIND_NAMES[kind]}")]
    out.append(Block("subtitle", f"考试时间：{duration_min} 分钟　满分：{_num(total)} 分　共 {len(entries)} 题"))
    if kind == PaperKind.PAPER:
        out.append(Block("line", "单位：________________　姓名：__________　警号：__________　得分：______"))
    for i, section in enumerate(_sections(entries)):
        qtype = section[0].question.type
        points = {e.points for e in section}
        each = f"每题 {_num(points.pop())} 分，" if len(points) == 1 else ""
        out.append(Block("section", f"{CN_NUMBERS[i] if i < 10 else i + 1}、{QUESTION_TYPE_NAMES[qtype]}题"
                                    f"（共 {len(section)} 题，{each}共 {_num(sum(e.points for e in section))} 分）"))
        if kind == PaperKind.KEY and qtype in ("single", "multi", "judge"):
            out.append(Block("answer", "　".join(f"{e.number}．{_short_key(e.question)}" for e in section)))
            continue
        for e in section:
            q = e.question
            if kind == PaperKind.KEY:
                out.append(Block("answer", f"{e.number}．{key_text(q)}"))
                continue
            out.append(Block("question", f"{e.number}．{q.stem}"))
            out.extend(Block("option", f"{k}．{q.options[k]}") for k in LETTERS if k in q.options)
            if kind == PaperKind.PAPER and q.type in ("short", "case"):
                out.append(Block("line", "答：" + "\n" * ANSWER_LINES))
            if kind == PaperKind.EXPLAINED:
                out.append(Block("answer", f"【答案】{key_text(q)}"))
                if q.explanation:
                    out.append(Block("note", f"【解析】{q.explanation}"))
                if q.sources:
                    refs = "；".join(f"《{c.law}》{citation_label(c)}" for c in q.sources)
                    out.append(Block("note", f"【出处】{refs}"))
    return out


def _short_key(q: Question) -> str:
    if q.type == "judge":
        return "√" if q.answer is True else "×"
    return str(q.answer)


def _sections(entries: Sequence[PaperEntry]) -> list[list[PaperEntry]]:
    out: list[list[PaperEntry]] = []
    for e in entries:
        if out and out[-1][0].question.type == e.question.type:
            out[-1].append(e)
        else:
            out.append([e])
    return out


def _num(value: float) -> str:
    return f"{round(value, 2):g}"
