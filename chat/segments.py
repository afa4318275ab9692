"""An article cut into the pieces an answer may quote: sentences of each 款 and each 项 with its lead-in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.models import Clause, Unit
from kb.numbers import ITEM_NUMERALS, int_to_cn

_SENTENCE_END = re.compile(r"(?<=[。！？])")
_ITEM_NUMBER = re.compile(rf"^[（(][{ITEM_NUMERALS}]+[）)]")


@dataclass(frozen=True)
class Segment:
    """One quotable piece of a unit.

    ``clause`` is the 款 number when the article has more than one 款 (legal usage cites 第N款 only then);
    ``item`` the 项 number; ``lead`` the 款's lead-in an item continues (``有下列情形之一的：``).
    ``position`` orders the segments of a unit as they stand in the text.
    """

    text: str
    clause: int | None
    item: int | None
    position: int
    lead: str = ""

    @property
    def quote(self) -> str:
        """The text to show: an item with its lead-in, a sentence as is."""
        if self.item is None or not self.lead:
            return self.text
        return (
            f"{self.lead}……{self.text}" if not self.lead.endswith(("：", ":")) else f"{self.lead}{self.text}"
        )


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _item_text(number: int, text: str, subitems: tuple[str, ...]) -> str:
    body = text.strip()
    if not _ITEM_NUMBER.match(body):
        body = f"（{int_to_cn(number)}）{body}"
    if subitems:
        body += "".join(s.strip() for s in subitems)
    return body


def _clause_segments(clause: Clause, numbered: bool, start: int) -> list[Segment]:
    number = clause.number if numbered else None
    out: list[Segment] = []
    if clause.items:
        lead = clause.text.strip()
        lead_sentences = sentences(lead)
        # sentences before the lead-in proper stand on their own
        for s in lead_sentences[:-1]:
            out.append(Segment(s, number, None, start + len(out)))
        lead_in = lead_sentences[-1] if lead_sentences else ""
        for item in clause.items:
            out.append(
                Segment(
                    _item_text(item.number, item.text, item.subitems),
                    number,
                    item.number,
                    start + len(out),
                    lead_in,
                )
            )
        return out
    for s in sentences(clause.text):
        out.append(Segment(s, number, None, start + len(out)))
    return out


def split_unit(unit: Unit) -> list[Segment]:
    """The segments of a unit, in text order; a unit without parsed 款 is split into sentences."""
    if unit.clauses:
        numbered = len(unit.clauses) > 1
        out: list[Segment] = []
        for clause in unit.clauses:
            out.extend(_clause_segments(clause, numbered, len(out)))
        if out:
            return out
    return [Segment(s, None, None, i) for i, s in enumerate(sentences(unit.text))]
