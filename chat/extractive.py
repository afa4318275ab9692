"""The extractive answer: the sentences (款/项) of the retrieved articles that answer the question, cited.

No model: each segment of the top articles is scored by the question's content words it contains
(weighted by how rare they are among the candidates), by what the question asks for (amounts and time
limits, penalties, procedure) and by the rank of its article; the best 1–4 become the claims.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from chat.models import Claim
from chat.question import Intent
from chat.render import render_citation
from chat.segments import Segment, split_unit
from kb.lexicon import expand
from kb.models import Citation, Hit, SearchResult
from kb.numbers import ARTICLE_NUMERALS, SMALL_NUMERALS, cn_to_int

MAX_CLAIMS = 4
MAX_CLAIMS_PER_ARTICLE = 2
MAX_RELATED = 6
MAX_CROSS_REFERENCES = 2
CLAIM_RATIO = 0.6
MAX_CLAIM_CHARS = 200

_AMOUNT_S = re.compile(
    r"[0-9０-９]+(?:\.\d+)?\s*(?:元|万元|日|天|小时|个月|年|次|吨|公里|米|%|％|倍|人|周岁)|"
    r"[零一二两三四五六七八九十百千万]+(?:元|万元|日|天|小时|个月|年|次|吨|公里|米|倍|周岁)|百分之|以下|以上|不超过|不得超过|不满"
)
_PENALTY_S = re.compile(
    r"处[^。；]{0,40}罚款|罚款|责令|吊销|没收|暂扣|警告|拘留|追究刑事责任|处分|行政处罚|扣押"
)
_PROCEDURE_S = re.compile(
    r"应当|告知|听证|书面|送达|笔录|签名|签字|盖章|报告|批准|审核|审批|期限|通知|公告|移送|申请|见证|录音|录像|"
    r"程序|决定书|当场|制作"
)
_XREF = re.compile(
    rf"本(?:法|条例|规定|办法|细则)第([{ARTICLE_NUMERALS}\d]+)条(之[{SMALL_NUMERALS}]+)?"
)

Lookup = Callable[[Citation], Hit | None]


@dataclass(frozen=True)
class Scored:
    rank: int
    hit: Hit
    segment: Segment
    overlap: float
    score: float

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (self.hit.unit_id, self.segment.clause, self.segment.item)


@dataclass(frozen=True)
class ExtractiveDraft:
    """Claims in the order to show them, the citations behind them and the related articles."""

    claims: tuple[Claim, ...]
    citations: tuple[Citation, ...]
    related: tuple[Citation, ...]
    text: str


def weigh_terms(tokens: Sequence[str], topic_tokens: Sequence[str], question: str) -> dict[str, float]:
    """Query terms with their weight: the question's own 1.0, legal terms for its colloquial words 0.8,
    words only the inherited topic has 0.5."""
    weights: dict[str, float] = {}
    for t in topic_tokens:
        weights[t] = 0.5
    for t in expand(question):
        weights[t] = max(weights.get(t, 0.0), 0.8)
    for t in tokens:
        weights[t] = 1.0
    return weights


def _idf(terms: Sequence[str], texts: Sequence[str]) -> dict[str, float]:
    n = len(texts)
    out = {}
    for t in terms:
        df = sum(1 for x in texts if t in x)
        out[t] = 1.0 + math.log((n + 1) / (df + 1)) if df else 0.0
    return out


def _intent_bonus(text: str, intent: Intent) -> float:
    bonus = 0.0
    if intent.amount and _AMOUNT_S.search(text):
        bonus += 0.35
    if intent.penalty and _PENALTY_S.search(text):
        bonus += 0.3
    if intent.procedure and _PROCEDURE_S.search(text):
        bonus += 0.2
    return bonus


def score_segments(
    hits: Sequence[Hit], weights: dict[str, float], intent: Intent, rank_decay: float = 0.3
) -> list[Scored]:
    """Every segment of every hit, scored (the hit's rank discounts by ``rank_decay``); best first."""
    pieces = [(rank, hit, seg) for rank, hit in enumerate(hits) for seg in split_unit(hit.unit)]
    if not pieces:
        return []
    texts = [seg.quote for _, _, seg in pieces]
    idf = _idf(list(weights), texts)
    term_weight = {t: w * idf[t] * (1.0 if len(t) >= 2 else 0.5) for t, w in weights.items()}
    reachable = sum(w for w in term_weight.values() if w > 0) or 1.0
    out: list[Scored] = []
    for (rank, hit, seg), text in zip(pieces, texts, strict=True):
        overlap = sum(w for t, w in term_weight.items() if w > 0 and t in text) / reachable
        bonus = _intent_bonus(seg.text if seg.item is not None else text, intent)
        if overlap == 0:
            bonus *= 0.5
        rank_weight = 1.2 if hit.via == "direct" else 1.0 / (1.0 + rank_decay * rank)
        out.append(Scored(rank, hit, seg, overlap, (overlap + bonus) * rank_weight))
    out.sort(key=lambda s: (-s.score, s.rank, s.segment.position))
    return out


def _trim(text: str, weights: dict[str, float], intent: Intent) -> str:
    """A long sentence cut to its parts (split at ；) that carry the question's words or what it asks for."""
    if len(text) <= MAX_CLAIM_CHARS:
        return text
    parts = [p for p in re.split(r"(?<=；)", text) if p]
    wanted = [i for i, p in enumerate(parts) if any(t in p for t in weights) or _intent_bonus(p, intent) > 0]
    out = ""
    previous: int | None = None
    for i in wanted or [0]:
        if out and len(out) + len(parts[i]) > MAX_CLAIM_CHARS:
            break
        if (previous is None and i > 0) or (previous is not None and i != previous + 1):
            out += "……"
        out += parts[i]
        previous = i
    if len(out) > MAX_CLAIM_CHARS:
        return out[:MAX_CLAIM_CHARS].rstrip("，；、") + "……"
    if previous is not None and previous < len(parts) - 1:
        out += "……"
    return out


def select(scored: Sequence[Scored], summary: bool, anchor: str | None = None) -> list[Scored]:
    """The claims: the best segment, then others close to it, at most 2 per article and 4 in all; the best
    segment of the ``anchor`` article (the search's first) among them if it says anything the question asks.

    ``summary`` (a question that names an article and asks what it says) takes the article's own first
    segments instead.
    """
    if not scored:
        return []
    if summary or scored[0].score <= 0:
        top = min(scored, key=lambda s: (s.rank, s.segment.position))
        first = sorted(
            (s for s in scored if s.hit.unit_id == top.hit.unit_id), key=lambda s: s.segment.position
        )
        return first[:3]
    best = scored[0].score
    chosen: list[Scored] = [scored[0]]
    for s in scored[1:]:
        if len(chosen) >= MAX_CLAIMS or s.score < CLAIM_RATIO * best:
            break
        if any(c.key == s.key for c in chosen):
            continue
        if sum(1 for c in chosen if c.hit.unit_id == s.hit.unit_id) >= MAX_CLAIMS_PER_ARTICLE:
            continue
        chosen.append(s)
    if anchor is not None and all(c.hit.unit_id != anchor for c in chosen):
        own = next((s for s in scored if s.hit.unit_id == anchor and s.score > 0), None)
        if own is not None:
            chosen = [*chosen[: MAX_CLAIMS - 1], own]
    return chosen


def _ordered(chosen: Sequence[Scored]) -> list[Scored]:
    """Claims grouped by article (best article first), in text order inside an article."""
    order: dict[str, int] = {}
    for s in chosen:
        order.setdefault(s.hit.unit_id, len(order))
    return sorted(chosen, key=lambda s: (order[s.hit.unit_id], s.segment.position))


def cross_references(hit: Hit, texts: Sequence[str], lookup: Lookup) -> list[Hit]:
    """Articles of the same law that the claim texts refer to (本法第三十八条 …), resolved in the KB."""
    out: list[Hit] = []
    for text in texts:
        for m in _XREF.finditer(text):
            number = cn_to_int(m.group(1))
            if number is None:
                continue
            found = lookup(
                Citation(law=hit.document.meta.title, article=number, article_suffix=m.group(2) or "")
            )
            if found is not None and found.unit_id != hit.unit_id:
                out.append(found)
    return out


def compose(
    result: SearchResult,
    question: str,
    weights: dict[str, float],
    intent: Intent,
    summary: bool,
    lookup: Lookup | None = None,
    anchor: str | None = None,
) -> ExtractiveDraft:
    """Claims, citations and related articles of the extractive answer for a grounded search result;
    ``anchor``: the unit id of an article to quote if it says anything the question asks (``select``)."""
    hits = list(result.hits)
    chosen = _ordered(select(score_segments(hits, weights, intent), summary, anchor))
    claims: list[Claim] = []
    for i, s in enumerate(chosen):
        seg = s.segment
        previous = chosen[i - 1] if i else None
        # a second 项 of the same 款 right after the first: its lead-in is already shown
        same_lead = (
            previous is not None
            and seg.item is not None
            and previous.segment.item is not None
            and previous.hit.unit_id == s.hit.unit_id
            and previous.segment.clause == seg.clause
        )
        quote = seg.text if same_lead else seg.quote
        claims.append(
            Claim(_trim(quote, weights, intent), replace(s.hit.citation(), clause=seg.clause, item=seg.item))
        )
    cited_units = {s.hit.unit_id for s in chosen}
    related_hits: list[Hit] = []
    if lookup is not None:
        for s in chosen:
            for ref in cross_references(s.hit, [s.segment.quote], lookup):
                if ref.unit_id not in cited_units and len(related_hits) < MAX_CROSS_REFERENCES:
                    related_hits.append(ref)
    related_hits += [h for h in hits if h.unit_id not in cited_units]
    seen: set[str] = set()
    related: list[Citation] = []
    for h in related_hits:
        if h.unit_id in seen or h.unit_id in cited_units:
            continue
        seen.add(h.unit_id)
        related.append(h.citation())
    citations = tuple(dict.fromkeys(c.citation for c in claims))
    return ExtractiveDraft(tuple(claims), citations, tuple(related[:MAX_RELATED]), claims_text(claims))


def claims_text(claims: Sequence[Claim]) -> str:
    """The conclusion as plain text: each claim followed by its citation."""
    if not claims:
        return ""
    if len(claims) == 1:
        c = claims[0]
        return f"依据{render_citation(c.citation)}：{c.text}"
    lines = ["依据知识库中的条文："]
    lines += [f"{i}. {c.text}（{render_citation(c.citation)}）" for i, c in enumerate(claims, start=1)]
    return "\n".join(lines)
