"""多选: for a penalty article, a case and the measures the article gives for it
(quiz.generation.generators.situation); otherwise 下列属于…的有 from an article's enumeration （一）…（六）.

The keys are 项 of the article; the distractors are 项 of other enumerations of the corpus (same law and
chapter preferred, same grammatical shape) that occur nowhere in this article and resemble none of its
项, so they are provably not in its list. For lists ending in a catch-all (其他…) the stem names the
article, and asks what it lists.
"""

from __future__ import annotations

import re

from kb.numbers import SMALL_NUMERALS
from quiz.checklist.items import ChecklistItem
from quiz.generation.checks import ECHO_RUN, giveaway
from quiz.generation.generators.base import Context, PoolItem, build, lettered
from quiz.generation.generators.situation import has_situations, multi_situations
from quiz.generation.statements import Enumeration, enumerations
from quiz.models import SLOT, Question, QuestionType
from quiz.source import Article
from quiz.text import bare, bigrams, coverage, normalize, similarity, trim_end

_MODAL_RE = re.compile(r"应当|可以|不得|必须")
MAX_OPTION = 40
MAX_SIMILARITY = 0.4
MAX_COVERAGE = 0.5  # share of a distractor's wording found anywhere in the article
ATTEMPTS = 4
MATCH_SIMILARITY = 0.5
_INLINE_ITEM_RE = re.compile(rf"[（(][{SMALL_NUMERALS}]+[)）]([^（(]+)")


def enumeration_stem(lead: str) -> str | None:
    """当事人有下列情形之一，应当从轻… → 当事人有下列哪些情形，应当从轻…？ ; None if no stem fits."""
    text = trim_end(lead)
    for pattern, repl in (
        (r"下列([^，。；：]{1,8}?)之一", r"下列哪些\1"),
        (r"下列(?!哪些)", "下列哪些"),
        (r"以下([^，。；：]{1,8}?)之一", r"下列哪些\1"),
        (r"以下(?=[^，。；：]{1,8})", "下列哪些"),
    ):
        changed, n = re.subn(pattern, repl, text, count=1)
        if n:
            return f"{changed}？{SLOT}"
    if text.endswith("种类"):
        return f"下列属于{text.removesuffix('的种类').removesuffix('种类')}种类的有{SLOT}"
    if text.endswith(("包括", "有", "是", "为")):
        return f"{text}{SLOT}"
    return None


def _shape(text: str) -> tuple[bool, bool]:
    """(a ……的 condition, a rule with 应当/可以/不得/必须): distractors take the keys' shape."""
    return text.endswith("的"), bool(_MODAL_RE.search(text))


def _grams(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def pick_distractors(
    keys: list[str], article: Article, ctx: Context, n: int, *, noun: str = "", stem: str = "",
    exclude: tuple[str, ...] = (),
) -> list[str]:
    """``n`` 项 of other enumerations that are provably not in ``article``'s list.

    Candidates: same grammatical shape (a ……的 condition or a noun phrase), similar length, absent from
    the article and unlike any of its 项. Preferred: same kind of list (情形, 条件, 材料…), same law, same
    chapter, words shared with the stem.
    """
    avg = sum(len(k) for k in keys) / len(keys)
    shape = _shape(keys[0]) if all(_shape(k) == _shape(keys[0]) for k in keys) else None
    segments = [s for s in re.split(r"[。；：\n]", article.body) if len(s.strip()) >= 4]
    own = [frozenset(bigrams(t)) for t in (*exclude, *keys, *segments)]
    union = frozenset().union(*own)
    stem_grams = bigrams(stem)
    stem_runs = _grams(bare(stem), ECHO_RUN)
    lo, hi = 0.5 * avg, min(MAX_OPTION, 2 * avg + 4)
    scored: list[tuple[float, PoolItem]] = []
    for cand in ctx.enumeration_pool():
        if not lo <= len(cand.text) <= hi or (shape is not None and _shape(cand.text) != shape):
            continue
        if cand.law == article.law and cand.label == article.label:
            continue
        # Jaccard with any one set is at most the share of the candidate's bigrams found in their union.
        shared = len(cand.grams & union)
        if shared > MAX_SIMILARITY * len(cand.grams) and any(_jaccard(cand.grams, g) > MAX_SIMILARITY for g in own):
            continue
        same_law = cand.law == article.law
        score = 3.0 * (bool(noun) and cand.noun == noun) + 2.0 * same_law + (same_law and cand.chapter == article.chapter)
        score += 0.5 * bool(cand.grams & stem_grams) + 2.0 * bool(_grams(bare(cand.text), ECHO_RUN) & stem_runs)
        scored.append((score + ctx.rng.random(), cand))
    scored.sort(key=lambda p: -p[0])
    out: list[PoolItem] = []
    for _, cand in scored:
        if normalize(cand.text) in article.normalized or coverage(cand.text, article.body) > MAX_COVERAGE:
            continue
        if all(_jaccard(cand.grams, o.grams) <= MAX_SIMILARITY for o in out):
            out.append(cand)
        if len(out) == n:
            return [o.text for o in out]
    return []


def _as_in_article(items: list[str], article: Article) -> list[str]:
    """Checklist answer items in the wording of the article's own 项 where one matches closely."""
    own = [i for e in enumerations(article) for i in e.items]
    out = []
    for item in items:
        best = max(own, key=lambda o: similarity(item, o), default="")
        out.append(best if best and similarity(item, best) >= MATCH_SIMILARITY else item)
    return out


class MultipleChoice:
    type: QuestionType = "multi"

    def _question(
        self, stem: str, items: list[str], article: Article, ctx: Context, evidence: str,
        generator: str, noun: str = "", checklist: ChecklistItem | None = None,
    ) -> Question | None:
        usable = [i for i in items if 2 <= len(i) <= MAX_OPTION and "其他" not in i]
        if len(usable) < 2:
            return None
        for _ in range(ATTEMPTS):
            k = ctx.rng.randint(2, min(4, len(usable)))
            keys = ctx.rng.sample(usable, k)
            total = 5 if k == 4 else 4
            distractors = pick_distractors(keys, article, ctx, total - k, noun=noun, stem=stem, exclude=tuple(items))
            if not distractors:
                return None
            options, answer = lettered(keys, distractors, ctx.rng)
            if not giveaway(stem, options, answer):
                return build("multi", stem, answer, article, evidence=evidence, options=options,
                             generator=generator, checklist=checklist)
        return None

    def prefers(self, article: Article, ctx: Context) -> bool:
        """Penalty articles first: they give situation items."""
        return has_situations(article, ctx)

    def from_article(self, article: Article, ctx: Context) -> list[Question]:
        situations = multi_situations(article, ctx)
        if situations:
            return situations
        out = []
        for enum in enumerations(article):
            stem = self._stem(enum, article)
            if stem is None:
                continue
            q = self._question(stem, list(enum.items), article, ctx, enum.lead, "multi.enumeration", enum.noun)
            if q is not None:
                out.append(q)
        return out

    @staticmethod
    def _stem(enum: Enumeration, article: Article) -> str | None:
        body = enumeration_stem(enum.lead)
        if body is None:
            return None
        return f"根据《{article.short_law}》{article.label}，{body}"

    def from_checklist(self, item: ChecklistItem, article: Article, ctx: Context) -> list[Question]:
        if item.kind != "问答" or not item.question:
            return []
        answer = item.answer.replace("\n", "")
        items = [trim_end(m.group(1).split("。")[0]) for m in _INLINE_ITEM_RE.finditer(answer)]
        if len(items) < 3:
            return []
        items = _as_in_article(items, article)
        stem = f"{item.question.rstrip('？?')}？{SLOT}"
        q = self._question(stem, items, article, ctx, item.answer, "multi.checklist", checklist=item)
        return [q] if q is not None else []
