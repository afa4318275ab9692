"""Print the questions a knowledge base gets wrong: gold articles against the top 5, for tuning retrieval.

A question fails when none of its gold (or also) articles is in the top ``--k`` (default 5); an
out-of-scope question (``gold: []``) fails when the knowledge base still judges it grounded.

    PYTHONPATH=. python scripts/eval_errors.py /work/shared/eval/officer_dev.jsonl --home ~/.xuefa/kb
    PYTHONPATH=. python scripts/eval_errors.py /work/shared/eval/external/stard_chinalaw.jsonl \\
        --home /tmp/xuefa-stard-home --split dev --limit 200
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.base import KnowledgeBase
from kb.evaluate import article_key, evaluate, load_questions
from kb.settings import KBSettings


def failed(detail: dict[str, Any], k: int) -> bool:
    if not detail["gold"]:
        return bool(detail["grounded"])
    return detail["rank"] is None or detail["rank"] > k


def render(detail: dict[str, Any]) -> str:
    wanted = {article_key(law, art) for law, art in (*detail["gold"], *detail["also"])}
    lines = [f"[{detail['id']}] {detail['question']}"]
    if detail["gold"]:
        lines.append("  gold: " + "；".join(f"{law} {art}" for law, art in detail["gold"]))
        if detail["also"]:
            lines.append("  also: " + "；".join(f"{law} {art}" for law, art in detail["also"]))
        lines.append(f"  rank: {detail['rank'] or '-'}   grounded: {detail['grounded']}")
    else:
        lines.append("  out of scope, but judged grounded")
    for i, (law, label) in enumerate(detail["top5"], start=1):
        mark = "✓" if _matches(law, label, wanted) else " "
        lines.append(f"   {mark} {i}. {law} {label}")
    return "\n".join(lines)


def _matches(law: str, label: str, wanted: set[tuple[str, int, str]]) -> bool:
    try:
        return article_key(law, label) in wanted
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    questions = [q for q in load_questions(args.questions) if args.split in (None, q.split)][: args.limit]
    kb = KnowledgeBase.open(args.home, KBSettings())
    try:
        metrics = evaluate(kb, questions, details=True)
    finally:
        kb.close()
    failures = [d for d in metrics.pop("details") if failed(d, args.k)]
    if args.json:
        print(json.dumps({"metrics": metrics, "failures": failures}, ensure_ascii=False, indent=2))
        return 0
    for detail in failures:
        print(render(detail), end="\n\n")
    summary = ", ".join(f"{key} {value:.3f}" for key, value in metrics.items() if isinstance(value, float))
    print(f"{len(failures)} failing of {metrics['queries'] + metrics['out_of_scope']} questions; {summary}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", type=Path, help="JSON-lines questions file")
    parser.add_argument("--home", type=Path, required=True, help="knowledge base home")
    parser.add_argument("--split", default=None, help="only questions of this split (dev, train)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions (of the split)")
    parser.add_argument(
        "--k", type=int, default=5, help="a question fails without a gold article in the top k"
    )
    parser.add_argument("--json", action="store_true", help="print metrics and failures as JSON")
    return parser


if __name__ == "__main__":
    sys.exit(main())
