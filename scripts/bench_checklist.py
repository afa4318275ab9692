"""Checklist benchmark: how many 应知应会 items get questions (so that mastery can be told item by item).

    PYTHONPATH=. python scripts/bench_checklist.py                    # ../shared corpus Markdown + checklist
    PYTHONPATH=. python scripts/bench_checklist.py --kb-home ~/.local/share/xuefa/kb --checklist my.xlsx

Prints: items, items with questions, items whose cited article is missing, items without a question,
questions per type and generator, seconds to load the checklist and make its questions (index included).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from quiz.checklist.items import load_checklist
from quiz.checklist.questions import checklist_questions
from quiz.generation.checks import check_question
from quiz.source import ArticleIndex, StaticSource, UnitSource

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def load_source(corpus: Path, kb_home: str) -> UnitSource:
    if kb_home:
        from kb.base import KnowledgeBase
        from kb.settings import KBSettings

        return KnowledgeBase.open(Path(kb_home), KBSettings())
    from ingest.loaders import load_file
    from ingest.settings import IngestSettings
    from ingest.structure import parse_document

    files = [p for p in sorted(corpus.rglob("*.md")) if p.name != "README.md"]
    return StaticSource(parse_document(load_file(p, IngestSettings())) for p in files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(SHARED / "corpus"))
    parser.add_argument("--kb-home", default="")
    parser.add_argument("--checklist", default=str(SHARED / "checklist" / "应知应会清单.md"))
    parser.add_argument("--per-item", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    source = load_source(Path(args.corpus), args.kb_home)
    started = time.perf_counter()
    index = ArticleIndex.from_source(source)
    indexed = time.perf_counter()
    checklist = load_checklist(Path(args.checklist))
    made = checklist_questions(index, checklist.items, per_item=args.per_item, seed=args.seed)
    done = time.perf_counter()

    failing = [q for q in made.questions if check_question(q, index)]
    items = len(checklist.items)
    print(f"checklist: {checklist.title} ({items} items; {sum(i.kind == '问答' for i in checklist.items)} 问答)")
    print(f"items with questions: {made.covered}/{items} = {made.covered / items:.1%}")
    print(f"items citing an article not in the knowledge base: {[i.number for i in made.missing_article]}")
    print(f"items without a question: {[i.number for i in made.without_question]}")
    print(f"questions: {len(made.questions)}, failing quiz.generation.checks: {len(failing)}")
    print(f"types: {dict(Counter(q.type for q in made.questions))}")
    print(f"generators: {dict(Counter(q.generator for q in made.questions))}")
    print(f"seconds: index {indexed - started:.2f}, checklist + questions {done - indexed:.2f}")
    return 0 if not failing else 1


if __name__ == "__main__":
    sys.exit(main())
