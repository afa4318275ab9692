"""One-span changes that turn a true statement of an article into a false one, and their tracing back.

Kinds: ``modal`` (应当↔可以, 不得→可以, 必须→可以, 有权→无权), ``direction`` (以上↔以下 after an amount
that is not a range), ``quantity`` (a value of the same family the article does not use), ``authority``
(a competent authority of the same group the article does not name).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from quiz.generation.terms import authority_alternatives, find_authorities
from quiz.quantities import Quantity, distractor_values, find_quantities, quantity_keys, render
from quiz.text import normalize

MODAL_SWAPS: dict[str, tuple[str, ...]] = {
    "应当": ("可以",),
    "可以": ("应当",),
    "不得": ("可以",),
    "必须": ("可以",),
    "有权": ("无权",),
}
_MODAL_RE = re.compile(r"(?<![相不])应当|(?<![不])可以(?!上)|不得(?!不)|必须|(?<![无])有权")
DIRECTION_SWAPS = {"以上": "以下", "以下": "以上"}


@dataclass(frozen=True)
class Mutation:
    start: int
    end: int
    old: str
    new: str
    kind: str  # modal | direction | quantity | authority

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]


def _is_range(text: str, q: Quantity, quantities: list[Quantity]) -> bool:
    """二千元以上一万元以下: either bound of a range (changing its direction is nonsense, not a fact)."""
    for other in quantities:
        if other is q:
            continue
        lo, hi = (q, other) if q.start < other.start else (other, q)
        between = text[lo.end : hi.start]
        if len(between) <= 4 and between.startswith("以上") and text[hi.end : hi.end + 2] == "以下":
            return True
    return text[q.end : q.end + 1] in ("至", "到", "－", "-", "~")


def modal_mutations(text: str) -> list[Mutation]:
    out = []
    for m in _MODAL_RE.finditer(text):
        for new in MODAL_SWAPS[m.group(0)]:
            out.append(Mutation(m.start(), m.end(), m.group(0), new, "modal"))
    return out


def direction_mutations(text: str) -> list[Mutation]:
    out = []
    quantities = find_quantities(text)
    for q in quantities:
        word = text[q.end : q.end + 2]
        if word in DIRECTION_SWAPS and not _is_range(text, q, quantities):
            out.append(Mutation(q.end, q.end + 2, word, DIRECTION_SWAPS[word], "direction"))
    return out


def quantity_mutations(text: str, article: str, rng: random.Random) -> list[Mutation]:
    forbidden = quantity_keys(article)
    out = []
    for q in find_quantities(text):
        values = distractor_values(q, forbidden, 1, rng)
        if values:
            out.append(Mutation(q.start, q.end, q.text, render(values[0], q), "quantity"))
    return out


def authority_mutations(text: str, article: str, rng: random.Random) -> list[Mutation]:
    out = []
    norm = normalize(article)
    for term in find_authorities(text):
        alternatives = authority_alternatives(term, norm)
        if alternatives:
            out.append(Mutation(term.start, term.end, term.text, rng.choice(alternatives), "authority"))
    return out


def mutations(text: str, article: str, rng: random.Random) -> list[Mutation]:
    """Every single change of ``text`` (a statement of ``article``) that makes it wrong against the article."""
    found = (
        quantity_mutations(text, article, rng)
        + modal_mutations(text)
        + direction_mutations(text)
        + authority_mutations(text, article, rng)
    )
    norm = normalize(article)
    return [m for m in found if normalize(m.apply(text)) not in norm]


def trace(statement: str, evidence: str, article: str) -> Mutation | None:
    """The one recognised change that turns ``evidence`` into ``statement``, if it is provably wrong."""
    if statement == evidence:
        return None
    p = 0
    while p < min(len(statement), len(evidence)) and statement[p] == evidence[p]:
        p += 1
    s = 0
    while s < min(len(statement), len(evidence)) - p and statement[-1 - s] == evidence[-1 - s]:
        s += 1
    lo, hi = p, len(evidence) - s  # the changed span of evidence is inside [lo, hi)
    norm = normalize(article)
    candidates = modal_mutations(evidence) + direction_mutations(evidence)
    article_values = quantity_keys(article)
    for q in find_quantities(evidence):
        for q2 in find_quantities(statement):
            if q2.start == q.start and q2.family == q.family and q2.value != q.value and q2.key not in article_values:
                candidates.append(Mutation(q.start, q.end, q.text, q2.text, "quantity"))
    for term in find_authorities(evidence):
        for name in authority_alternatives(term, norm):
            candidates.append(Mutation(term.start, term.end, term.text, name, "authority"))
    for m in candidates:
        if m.start <= lo and hi <= m.end and m.apply(evidence) == statement:
            return m
    return None
