"""Quiz benchmark: generate questions from the corpus and check them independently of quiz.generation.checks.

    PYTHONPATH=. python scripts/bench_quiz.py                       # parse ../shared/corpus Markdown
    PYTHONPATH=. python scripts/bench_quiz.py --kb-home ~/.local/share/xuefa/kb   # a built knowledge base

Figures (goals from issue 4):
- cites an existing article: the cited 第X条 is an article line of the corpus Markdown file whose
  ``# `` title is the cited law (goal 100%);
- key supported by the cited article, re-checked here on the raw Markdown text: 单选/填空 the key text
  is in the article; 多选 every key option is in it and no distractor is; 判断 a true statement is in it,
  a false one is not but is one small change away from a sentence of it (goal ≥ 97%);
- duplicate stems over the run and duplicate options within a question (goal 0);
- seconds to generate 100 questions, index included (goal ≤ 5 s on 2 cores, no LLM).
Then 20 random questions as Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from quiz.checklist.items import load_checklist
from quiz.generation.generate import generate
from quiz.generation.terms import find_authorities
from quiz.models import Question
from quiz.source import ArticleIndex, StaticSource, UnitSource, citation_label
from quiz.text import normalize

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"
_ARTICLE_LINE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条(之[一二三四五六七八九十]+)?\s")
_PREFIX = re.compile(r"^根据《[^》]+》(?:第[^，]{1,12}条)?，")


def raw_articles(corpus: Path) -> dict[tuple[str, str], str]:
    """(title, 第X条) → normalised article text, read straight from the Markdown files."""
    out: dict[tuple[str, str], str] = {}
    for path in sorted(corpus.rglob("*.md")):
        if path.name == "README.md":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), "")
        current: str | None = None
        for line in lines:
            m = _ARTICLE_LINE.match(line)
            if m:
                current = m.group(0).strip()
                out[(title, current)] = normalize(line[m.end() :])
            elif line.startswith("#"):
                current = None
            elif current and line.strip():
                out[(title, current)] += normalize(line)
    return out


def load_source(args: argparse.Namespace) -> UnitSource:
    if args.kb_home:
        from kb.base import KnowledgeBase
        from kb.settings import KBSettings

        return KnowledgeBase.open(Path(args.kb_home), KBSettings())
    from ingest.loaders import load_file
    from ingest.settings import IngestSettings
    from ingest.structure import parse_document

    settings = IngestSettings()
    files = [p for p in sorted(Path(args.corpus).rglob("*.md")) if p.name != "README.md"]
    return StaticSource(parse_document(load_file(p, settings)) for p in files)


def _sentences(text: str) -> list[str]:
    """Sentences of the article, and their ；/：/（一） parts."""
    whole = re.split(r"。|[（(][一二三四五六七八九十]+[)）]", text)
    parts = [p for s in whole for p in re.split(r"[；：]", s)]
    return [s.rstrip("；：，、") for s in (*whole, *parts) if len(s) >= 6]


def _one_change_away(statement: str, sentence: str) -> bool:
    """statement = sentence with one short span replaced (common head and tail cover the rest)."""
    p = 0
    while p < min(len(statement), len(sentence)) and statement[p] == sentence[p]:
        p += 1
    s = 0
    while s < min(len(statement), len(sentence)) - p and statement[-1 - s] == sentence[-1 - s]:
        s += 1
    return p + s >= max(8, len(sentence) // 2) and len(statement) - p - s <= 15 and len(sentence) - p - s <= 15


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]{1,6}(?=[日天年月元人倍小周个米公%])", text))


def supported(q: Question, article: str) -> bool:
    """The issue's definition, re-checked on the raw text (no quiz.generation.checks).

    A checklist point is the checklist's wording, not the article's: a true one is supported when its
    amounts are the article's and most of its characters occur in it, a false one when it names an amount
    or an authority the article does not have.
    """
    if q.type == "judge" and q.checklist_item:
        statement = normalize(q.stem).rstrip("。")
        grams = {statement[i : i + 2] for i in range(len(statement) - 1)}
        covered = sum(g in article for g in grams) / max(1, len(grams))
        extra = _numbers(statement) - _numbers(article)
        if q.answer is True:
            return covered >= 0.7 and not extra
        return bool(extra) or any(t.text not in article for t in find_authorities(statement))
    if q.type in ("single", "blank"):
        key = q.options[str(q.answer)] if q.type == "single" else str(q.answer)
        return normalize(key) in article
    if q.type == "multi":
        keys = [q.options[letter] for letter in str(q.answer)]
        others = [t for letter, t in q.options.items() if letter not in str(q.answer)]
        return all(normalize(k) in article for k in keys) and not any(normalize(o) in article for o in others)
    if q.type == "judge":
        statement = normalize(_PREFIX.sub("", q.stem)).rstrip("。")
        if q.answer is True:
            return statement in article
        if statement in article:
            return False
        return any(_one_change_away(statement, s) for s in _sentences(article))
    return True


def key_supported(q: Question, article: str) -> bool:
    """Any generated question's key re-checked on the raw text: situation items and paraphrased 判断 by
    scripts/bench_situations.py's checks, the recitation items by ``supported``."""
    from scripts.bench_situations import judge_supported, situation_supported  # it imports this module

    if ".situation" in q.generator:
        return situation_supported(q, article)
    if q.type == "judge" and not q.checklist_item:
        return judge_supported(q, article)
    return supported(q, article)


def as_markdown(q: Question, n: int) -> str:
    names = {"single": "单选", "multi": "多选", "judge": "判断", "blank": "填空", "short": "简答", "case": "案例"}
    lines = [f"**{n}. [{names[q.type]}·难度{q.difficulty}]** {q.stem}", ""]
    for letter, text in q.options.items():
        lines.append(f"- {letter}. {text}")
    if q.options:
        lines.append("")
    answer = ("正确" if q.answer else "错误") if q.type == "judge" else q.answer
    source = "；".join(f"《{c.law}》{citation_label(c)}" for c in q.sources)
    lines += [f"答案：{answer}　出处：{source}", "", f"> {q.explanation}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--kb-home", default="", help="a knowledge-base folder (<xuefa home>/kb) instead of Markdown")
    parser.add_argument("--checklist", default="", help="also make questions from this 应知应会 checklist")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args()

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    raw = raw_articles(corpus)
    t0 = time.perf_counter()
    source = load_source(args)
    t_load = time.perf_counter() - t0
    checklist = load_checklist(args.checklist).items if args.checklist else ()

    t0 = time.perf_counter()
    index = ArticleIndex.from_source(source)
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    generate(index, 100, seed=args.seed + 1, checklist=checklist)
    t_hundred = time.perf_counter() - t0
    t0 = time.perf_counter()
    questions = generate(index, args.count, seed=args.seed, checklist=checklist)
    t_run = time.perf_counter() - t0

    cited = supported_n = 0
    unsupported: list[Question] = []
    for q in questions:
        keys = [(c.law, citation_label(c)) for c in q.sources]
        texts = [raw.get(k) for k in keys]
        if keys and all(t is not None for t in texts):
            cited += 1
            if key_supported(q, "".join(t for t in texts if t)):
                supported_n += 1
            else:
                unsupported.append(q)
    stems = Counter(normalize(q.stem) for q in questions)
    dup_stems = sum(n - 1 for n in stems.values() if n > 1)
    dup_options = sum(1 for q in questions if len({normalize(t) for t in q.options.values()}) != len(q.options))
    n = len(questions)

    print(f"# Quiz benchmark ({n} questions, seed {args.seed}, {os.cpu_count()} CPUs)\n")
    print(f"source: {'knowledge base ' + args.kb_home if args.kb_home else 'Markdown ' + str(corpus)} "
          f"({len(index.articles)} articles of {len(index.laws())} texts; loaded in {t_load:.1f} s)\n")
    print("| figure | value | goal |")
    print("| --- | --- | --- |")
    print(f"| cites an existing article | {cited}/{n} = {100 * cited / n:.1f}% | 100% |")
    print(f"| key supported by the cited article | {supported_n}/{n} = {100 * supported_n / n:.1f}% | ≥ 97% |")
    print(f"| duplicate stems | {dup_stems} | 0 |")
    print(f"| questions with duplicate options | {dup_options} | 0 |")
    print(f"| 100 questions generated (index {t_index:.2f} s + generation) | {t_index + t_hundred:.2f} s | ≤ 5 s |")
    print(f"| {n} questions generated | {t_run:.2f} s | |")
    print()
    print("types:", dict(Counter(q.type for q in questions)))
    print("generators:", dict(Counter(q.generator for q in questions)))
    print("difficulty:", dict(sorted(Counter(q.difficulty for q in questions).items())))
    per_law = Counter(q.law for q in questions)
    print(f"laws: {len(per_law)}, questions per law {min(per_law.values())}–{max(per_law.values())}")
    if checklist:
        print("from the checklist:", sum(1 for q in questions if q.checklist_item))
    for q in unsupported:
        print(f"UNSUPPORTED [{q.generator}] {q.stem} → {q.answer}", file=sys.stderr)

    print(f"\n## {args.sample} random questions\n")
    for i, q in enumerate(random.Random(args.seed).sample(questions, min(args.sample, n)), start=1):
        print(as_markdown(q, i))
    return 0


if __name__ == "__main__":
    sys.exit(main())
