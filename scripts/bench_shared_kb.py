"""What a shared knowledge base costs (issue 14): search latency with and without the check of the registry's
generations (KnowledgeBase.refresh) and, given a Chroma server, with the vectors in that server.

    .venv/bin/python scripts/bench_shared_kb.py [--home DIR] [--searches 300] [--server http://127.0.0.1:8000]

Builds a small knowledge base (行政处罚法, 公路法, 行政强制法; reused from --home) and runs the same searches
(a dozen questions, cycled, so their vectors come from the in-memory cache and the check's share is as large
as it gets) in alternating rounds: refresh off (a no-op), refresh on, and with --server the vectors in that
server (`chroma run --path DIR --port PORT`; its collection is filled from the home's embedding cache). Prints
one JSON line per mode (median and p95 ms per search) and the cost of one check alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.settings import KBSettings

QUESTIONS = [
    "扣押车辆最长能扣多少天？", "有辆车撞坏了公路护栏后直接开走了，也没报告，路政能罚吗？",
    "初次违法且危害后果轻微并及时改正的，可以不予行政处罚", "行政处罚法第33条", "公路法 第七十一条",
    "查封扣押的财物应当妥善保管", "当事人不履行行政决定怎么办", "超限运输车辆擅自行驶公路怎么处罚",
    "在公路用地范围内设置广告牌需要批准吗", "听证程序怎么申请", "罚款可以当场收缴吗", "行政强制执行的催告",
]


def timed(kb: KnowledgeBase, searches: int) -> list[float]:
    out = []
    for i in range(searches):
        start = time.perf_counter()
        kb.search(QUESTIONS[i % len(QUESTIONS)], k=10)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(mode: str, times: list[float]) -> dict[str, object]:
    ordered = sorted(times)
    return {"mode": mode, "searches": len(times), "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2), "mean_ms": round(statistics.mean(ordered), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="Reuse or build the knowledge base here.")
    parser.add_argument("--searches", type=int, default=300, help="Searches per mode.")
    parser.add_argument("--rounds", type=int, default=5, help="Alternating rounds the searches are split into.")
    parser.add_argument("--server", default="", help="A Chroma server's URL: also search with the vectors there.")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="xuefa-shared-"))
    kb = KnowledgeBase.open(home, KBSettings())
    for doc in iter_documents(["行政处罚法", "公路法", "行政强制法"]):
        kb.add(doc, f"bench:{doc.meta.title}")
    kinds = {"refresh off": kb, "refresh on": kb}
    if args.server:
        settings = KBSettings.model_validate({"collection": "bench-shared", "vectors": {"server": args.server}})
        kinds["server, refresh on"] = KnowledgeBase.open(home, settings, kb.embedder)
    for base in kinds.values():
        timed(base, len(QUESTIONS))  # warm: the query vectors, BM25, calibrations, memory
    times: dict[str, list[float]] = {mode: [] for mode in kinds}
    per_round = max(1, args.searches // args.rounds)
    for _ in range(args.rounds):
        for mode, base in kinds.items():
            vars(base).pop("refresh", None)  # the method itself
            if mode == "refresh off":
                base.refresh = lambda: False  # type: ignore[method-assign]
            times[mode].extend(timed(base, per_round))
    for mode, values in times.items():
        print(json.dumps(summary(mode, values), ensure_ascii=False))
    calls = 10_000
    start = time.perf_counter()
    for _ in range(calls):
        kb.refresh()
    print(json.dumps({"refresh_check_us": round((time.perf_counter() - start) / calls * 1e6, 1),
                      "documents": len(kb.documents()), "units": kb.vectors.count()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
