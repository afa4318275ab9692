"""Situation-item benchmark (issue 15): how many generated questions test applying the law, not reciting it.

    PYTHONPATH=. python scripts/bench_situations.py                 # parse ../shared/corpus Markdown
    PYTHONPATH=. python scripts/bench_situations.py --kb-home /tmp/xuefa-bench/kb   # a built knowledge base

Figures (goals from issue 15), over ``--count`` questions of every type:
- situation items: questions made as a case (generator ``*.situation*``) whose stems have less than 60% of
  their meaningful characters in order with the cited article (longest common subsequence / stem length,
  the ``根据《…》`` prefix included) (goal ≥ 40%); stems of any kind under 60% are counted too;
- key provable from the cited article, re-checked here on the raw Markdown text without
  quiz.generation.checks: scripts/bench_quiz.supported for recitation items, and for situation items the
  key's words are the article's, every wrong option is not (or is a bracket whose condition the case's
  amount does not meet, or the fine of a kind of cargo the case does not state), a bracketed key's
  condition holds for the case's amount, and a deadline case's day is inside or past the limit the article
  sets for its actor, event and act (goal ≥ 97%);
- duplicate stems over the run and duplicate options within a question (goal 0);
- 判断 stems that are the article's text verbatim (goal 0).
Then ``--sample`` random situation items as Markdown, to be read as an exam setter would.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from kb.numbers import cn_to_int
from quiz.generation.generate import generate
from quiz.models import Question
from quiz.source import ArticleIndex, citation_label
from quiz.text import bare, normalize
from scripts.bench_quiz import (
    DEFAULT_CORPUS,
    _one_change_away,
    _sentences,
    as_markdown,
    key_supported,
    load_source,
    raw_articles,
)

SITUATION_SHARE = 0.6
_PREFIX = re.compile(r"^根据《[^》]+》(?:第[^，]{1,12}条)?，")
_AMOUNT = re.compile(r"([\d.]+)(万)?元|([零一二两三四五六七八九十百千]+)(万)?元")
_CONDITION = re.compile(
    r"(没有违法所得或者)?违法所得(?:在)?(超过|不足)?([^的，；]{1,10}?)(以上|以下)?的，$|(没有违法所得的，)$|(有违法所得的，)$"
)


def lcs_share(stem: str, article: str) -> float:
    """Share of the stem's meaningful characters that occur in order in the article."""
    a, b = bare(stem), bare(article)
    if not a:
        return 1.0
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, start=1):
            cur[j] = prev[j - 1] + 1 if ch == other else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1] / len(a)


def _yuan(text: str) -> float | None:
    m = _AMOUNT.search(text)
    if not m:
        return None
    if m.group(1):
        value = float(m.group(1))
        return value * 10000 if m.group(2) else value
    n = cn_to_int(m.group(3))
    return None if n is None else float(n) * (10000 if m.group(4) else 1)


def _case_amount(stem: str) -> float | None:
    if re.search(r"(?:没有|尚无|无)违法所得", stem):
        return 0.0
    m = re.search(r"违法所得(?:为|共计)?([\d.]+万?元|[零一二两三四五六七八九十百千万]+元)", stem)
    return _yuan(m.group(1)) if m else None


def _bracket_lead(before: str) -> str:
    """The bracket that opens the ；-part a measure is in (…违法所得不足1万元的，处…罚款，<measure>): its condition."""
    part = re.split(r"[；。\n]", before)[-1]
    m = re.match(r"(?:没有违法所得或者)?(?:有|没有)?违法所得[^，；]{0,14}?的，", part)
    return m.group(0) if m else ""


def _condition_holds(text: str, article: str, amount: float | None) -> bool | None:
    """Whether the bracket just before ``text`` in the article admits ``amount`` (None: no bracket there)."""
    measure = re.sub(r"^(?:并|可以|并可以)?处", "", normalize(text))
    found = re.search(rf"(?<![\d.零一二两三四五六七八九十百千万]){re.escape(measure)}", article)
    if found is None:
        return None
    pos = found.start()
    before = article[:pos].removesuffix("处").removesuffix("并").removesuffix("可以")
    m = _CONDITION.search(before) or _CONDITION.search(_bracket_lead(before))
    if m is None:
        if measure.startswith("违法所得") and before.endswith("没收违法所得，"):
            # the implicit bracket: 有违法所得 (and not in a later 不足…的 one)
            later = re.search(r"违法所得不足([^的，；]{1,10})的", article[pos:])
            bound = _yuan(later.group(1)) if later else None
            return amount is not None and amount > 0 and (bound is None or amount >= bound)
        return None
    if amount is None:
        return False
    if m.group(5):
        return amount == 0
    if m.group(6):
        return amount > 0
    bound = _yuan(m.group(3))
    if bound is None:
        return False
    if m.group(2) == "超过":
        return amount > bound
    if m.group(2) == "不足":
        return amount < bound and (amount > 0 or bool(m.group(1)))
    if m.group(4) == "以上":
        return amount >= bound
    return amount <= bound and (amount > 0 or bool(m.group(1)))


def _in(text: str, article: str) -> bool:
    """``text`` in the article; a bare amount or time limit as a whole number (5日 is not in 15日)."""
    needle = normalize(text).removeprefix("处")
    if re.match(r"[\d.零一二两三四五六七八九十百千万]", needle):  # 十万元以下 is not in 二十万元以下
        return re.search(rf"(?<![\d.零一二两三四五六七八九十百千万]){re.escape(needle)}", article) is not None
    return needle in article


def _restore(statement: str) -> list[str]:
    """A 判断 statement and its readings in the article's wording (以上/以下, 不得)."""
    out = re.sub(r"不少于([^、，]+?)、不超过([^的，]+?)的", r"\1以上\2以下的", statement)
    out = re.sub(r"不超过([^的，、]+?)的", r"\1以下的", out)
    out = re.sub(r"不少于([^的，、]+?)的", r"\1以上的", out)
    readings = [out]
    if out.startswith("禁止"):
        readings += [out[2 : 2 + n] + "不得" + out[2 + n :] for n in range(2, 15)]
    return readings


def _kind_of(text: str, article: str) -> str:
    """The kind of cargo of the 项 that sets ``text`` (（二）运输民用爆炸物品的，处… → 运输民用爆炸物品), or ""."""
    for m in re.finditer(r"[（(][一二三四五六七八九十]+[)）](运输[^，；。（]{2,40}?)的，([^；。]*)", article):
        if normalize(text) in normalize(m.group(2)):
            return normalize(m.group(1))
    return ""


def situation_supported(q: Question, article: str) -> bool:
    """The key of a situation item, re-checked on the raw article text."""
    case = q.stem.split("根据《")[0]
    amount = _case_amount(case)

    def other_kind(text: str) -> bool:  # another kind of cargo's fine than the case's
        kind = _kind_of(text, article)
        return bool(kind) and kind not in normalize(case)

    if q.type == "single":
        key = q.options[str(q.answer)]
        others = [t for letter, t in q.options.items() if letter != q.answer]
        if not _in(key, article) or _condition_holds(key, article, amount) is False or other_kind(key):
            return False
        return all(not _in(o, article) or _condition_holds(o, article, amount) is False or other_kind(o)
                   for o in others)
    if q.type == "multi":
        keys = [q.options[letter] for letter in str(q.answer)]
        others = [t for letter, t in q.options.items() if letter not in str(q.answer)]
        if not all(_in(k, article) and _condition_holds(k, article, amount) is not False for k in keys):
            return False
        return all(not _in(o, article) or _condition_holds(o, article, amount) is False for o in others)
    if q.type == "blank":
        return _in(str(q.answer), article) and _condition_holds(str(q.answer), article, amount) is not False
    if q.type == "judge" and q.stem.endswith("这一做法符合法定期限。") and "，于" not in q.stem:
        return _deadline_supported(q, article)
    if q.type == "judge" and q.stem.endswith("这一做法符合法定期限。"):
        m = re.search(r"[，：]([^，：]+)，于(.+?)第([^日工]+?)(日|个工作日|工作日)(.+?)。根据", q.stem)
        if m is None:
            return False
        day = cn_to_int(m.group(3))
        found = re.search(re.escape(normalize(m.group(2))) + _LIMIT + m.group(4) + "内", article)
        limit = cn_to_int(found.group(1)) if found else None
        if day is None or limit is None or normalize(m.group(1)) + "的，" not in article:
            return False
        return (day < limit) is bool(q.answer) and abs(day - limit) >= 1
    if q.type == "judge":
        m = re.search(r"》，(.*?)对其的处理是：(.+?)。?$", q.stem)
        if m is None:
            return False
        authority, claim = normalize(m.group(1)), m.group(2)
        right = (not authority or authority in article) and _in(claim, article) and (
            _condition_holds(claim, article, amount) is not False
        ) and not other_kind(claim)
        return right is bool(q.answer)
    return False


_LIMIT = r"，?(?:应当|必须|可以)?(?:在|于|自)?([\d零一二两三四五六七八九十百]+)"


def _deadline_supported(q: Question, article: str) -> bool:
    """<actor>于<event>第k日<action>: the article has <actor>应当/必须(自|在)<event>N日内<action>, k well inside N
    (true) or well past it (false)."""
    m = re.search(r"[，：]([^，：]+?)于(.+?)第([^日工]+?)(日|个工作日|工作日)(.+?)。根据", q.stem)
    if m is None:
        return False
    actor, event, day, unit, action = (normalize(g) for g in m.groups())
    found = re.search(re.escape(actor) + r"[^。；]{0,30}?" + re.escape(event) + _LIMIT + unit + r"内，?"
                      + re.escape(action), article)
    limit = cn_to_int(found.group(1)) if found else None
    k = cn_to_int(day)
    if limit is None or k is None:
        return False
    return (k < limit) is bool(q.answer) and abs(k - limit) >= 1


def judge_supported(q: Question, article: str) -> bool:
    """A 判断 on a statement, paraphrased or not: true reads back to the article, false is one change away."""
    statement = normalize(_PREFIX.sub("", q.stem)).rstrip("。")
    readings = _restore(statement)
    if q.answer is True:
        return any(r in article for r in readings)
    if any(r in article for r in readings):
        return False
    return any(_one_change_away(r, s) for r in readings for s in _sentences(article))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--kb-home", default="", help="a knowledge-base folder instead of the Markdown corpus")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sample", type=int, default=30)
    args = parser.parse_args()

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    raw = raw_articles(corpus)
    index = ArticleIndex.from_source(load_source(args))
    t0 = time.perf_counter()
    questions = generate(index, args.count, seed=args.seed)
    t_run = time.perf_counter() - t0

    situations: list[Question] = []
    supported_n = verbatim = low_overlap = 0
    failed: list[Question] = []
    for q in questions:
        texts = [raw.get((c.law, citation_label(c))) for c in q.sources]
        article = "".join(t for t in texts if t)
        if not article:
            failed.append(q)
            continue
        if lcs_share(q.stem, article) < SITUATION_SHARE:
            low_overlap += 1
            if ".situation" in q.generator:
                situations.append(q)
        ok = key_supported(q, article)
        if q.type == "judge" and not q.checklist_item and ".situation" not in q.generator:
            verbatim += normalize(_PREFIX.sub("", q.stem)).rstrip("。") in article
        supported_n += ok
        if not ok:
            failed.append(q)
    n = len(questions)
    stems = Counter(normalize(q.stem) for q in questions)
    dup_stems = sum(k - 1 for k in stems.values() if k > 1)
    dup_options = sum(1 for q in questions if len({normalize(t) for t in q.options.values()}) != len(q.options))
    made = sum(1 for q in questions if ".situation" in q.generator)

    print(f"# Situation benchmark ({n} questions, seed {args.seed}; {len(index.articles)} articles of "
          f"{len(index.laws())} texts; generated in {t_run:.1f} s)\n")
    print("| figure | value | goal |")
    print("| --- | --- | --- |")
    print(f"| situation items (made as a case, stem < 60% in order with the article) | {len(situations)}/{n} = "
          f"{100 * len(situations) / n:.1f}% | ≥ 40% |")
    print(f"| made as situation items (generator *.situation*) | {made}/{n} = {100 * made / n:.1f}% | |")
    print(f"| any stem < 60% in order with the article | {low_overlap}/{n} = {100 * low_overlap / n:.1f}% | |")
    print(f"| key provable from the cited article (raw text) | {supported_n}/{n} = {100 * supported_n / n:.1f}% "
          "| ≥ 97% |")
    print(f"| duplicate stems | {dup_stems} | 0 |")
    print(f"| questions with duplicate options | {dup_options} | 0 |")
    print(f"| 判断 stems that are the article verbatim | {verbatim} | 0 |")
    print()
    print("types:", dict(Counter(q.type for q in questions)))
    print("situation items by generator:", dict(Counter(q.generator for q in situations)))
    print("judge answers:", dict(Counter(str(q.answer) for q in questions if q.type == "judge")))
    for q in failed:
        print(f"NOT PROVED [{q.generator}] {q.stem} {q.options} → {q.answer}", file=sys.stderr)

    print(f"\n## {args.sample} random situation items\n")
    picked = random.Random(args.seed).sample(situations, min(args.sample, len(situations)))
    for i, q in enumerate(picked, start=1):
        print(as_markdown(q, i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
