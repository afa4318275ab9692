"""Knowledge-base benchmark: ingest ../shared/corpus, re-ingest it unchanged, run the officer questions.

    .venv/bin/python scripts/bench_kb.py [--home DIR] [--corpus ../shared/corpus] [--questions FILE]

Prints ingest throughput (articles/s), peak memory, the unchanged re-ingest time and the eval metrics.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from ingest.pipeline import ingest_paths
from kb.evaluate import evaluate, load_questions
from xuefa.settings import load_settings
from xuefa.wiring import open_kb

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="Reuse or build the KB here (default: a temp dir).")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "officer_dev.jsonl")
    parser.add_argument("--details", action="store_true", help="Print the questions whose gold is not in the top 5.")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="xuefa-bench-"))
    settings = load_settings(home=home)
    kb = open_kb(settings)

    t0 = time.perf_counter()
    report = ingest_paths(kb, [args.corpus], settings.ingest)
    first = time.perf_counter() - t0
    units = report.units_added
    t1 = time.perf_counter()
    again = ingest_paths(kb, [args.corpus], settings.ingest)
    second = time.perf_counter() - t1
    print(json.dumps({
        "files": len(report.files), "failed": [f"{f.path.name}: {f.error}" for f in report.failed],
        "units_written": units, "ingest_s": round(first, 1),
        "articles_per_s": round(units / first, 1) if units else None,
        "unchanged_reingest_s": round(second, 2),
        "unchanged_reingest_actions": sorted({f.outcome.action for f in again.files if f.outcome}),
        "peak_rss_mb": round(peak_rss_mb()),
    }, ensure_ascii=False))
    metrics = evaluate(kb, load_questions(args.questions), details=args.details)
    details = metrics.pop("details", None)
    print(json.dumps(metrics, ensure_ascii=False))
    for row in details or []:
        if row.get("rank") is None or row["rank"] > 5 or (not row["gold"]) == row["grounded"]:
            print(json.dumps(row, ensure_ascii=False))
    kb.close()
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
