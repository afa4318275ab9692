"""Answer-engine benchmark: officer questions through AnswerService (extractive, no LLM).

    PYTHONPATH=. .venv/bin/python scripts/bench_chat.py --home DIR [--ingest ../shared/corpus]
        [--questions ../shared/eval/officer_dev.jsonl] [--repeat 3] [--details]

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
  process CPU time per answer (all threads), which other load on the machine does not inflate.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from chat.models import Answer
from chat.service import AnswerService
from kb.base import KnowledgeBase
from kb.citations import law_key
from kb.evaluate import ArticleKey, Question, load_questions, percentile
from kb.models import Citation

ROOT = Path(__file__).resolve().parents[1]


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


def judge(question: Question, answer: Answer) -> dict[str, Any]:
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
        "claims": [
            f"{c.citation.law}{c.citation.article}/{c.citation.clause}/{c.citation.item}"
            for c in answer.claims
        ],
        "related": [f"{c.law}{c.article}" for c in answer.related],
        "gold": sorted(f"{g.law}{g.article}" for g in question.gold),
    }


def run(kb: KnowledgeBase, service: AnswerService, questions: list[Question], repeat: int) -> dict[str, Any]:
    service.answer(questions[0].question)  # warm-up: models and indexes load lazily
    latencies: list[float] = []
    engine: list[float] = []
    cpu: list[float] = []
    rows: list[dict[str, Any]] = []
    total = existing = 0
    for n in range(repeat):
        for q in questions:
            t0, c0 = time.perf_counter(), time.process_time()
            answer = service.answer(q.question)
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            engine.append(latencies[-1] - answer.timings_ms.get("search_ms", 0.0))
            if n == 0:
                for c in answer.all_citations:
                    total += 1
                    existing += exists_in_kb(kb, c)
                rows.append(judge(q, answer))
    in_scope = [r for r in rows if r["in_scope"]]
    out_scope = [r for r in rows if not r["in_scope"]]

    def share(items: list[dict[str, Any]], key: str) -> float | None:
        return round(sum(1 for r in items if r[key]) / len(items), 3) if items else None

    return {
        "questions": len(rows),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_scope),
        "citations": total,
        "citations_in_kb": round(existing / total, 4) if total else None,
        "gold_cited": share(in_scope, "gold_cited"),
        "gold_in_claims": share(in_scope, "gold_in_claims"),
        "no_basis_out_of_scope": share(out_scope, "no_basis"),
        "in_scope_no_basis": sum(1 for r in in_scope if r["no_basis"]),
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
        "rows": rows,
    }


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
        "--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "officer_dev.jsonl"
    )
    parser.add_argument("--repeat", type=int, default=3, help="Timed passes over the questions.")
    parser.add_argument("--details", action="store_true", help="Print the questions that miss a goal.")
    parser.add_argument("--top-k", type=int, default=None, help="Override chat.top_k.")
    parser.add_argument("--candidates", type=int, default=None, help="Override chat.candidates.")
    args = parser.parse_args()

    settings = load_settings(home=args.home)
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
    metrics = run(kb, service, load_questions(args.questions), args.repeat)
    rows = metrics.pop("rows")
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
