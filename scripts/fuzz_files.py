"""Benchmark of hostile and mutated files (issue 16).

    PYTHONPATH=. python scripts/fuzz_files.py --count 10000          # the long fuzz
    PYTHONPATH=. python scripts/fuzz_files.py --hostile              # the full-size hostile files

The fuzz mutates real files of each format (PDF, DOCX, XLSX, CSV, HTML, TXT/Markdown in UTF-8 and GBK,
PNG/JPEG) and feeds each to every door that takes it (tests/ingest/fuzz.py); every ``--kb-every``-th
mutant also goes into a real knowledge base and a real exam roster, checking that a refused file leaves
no partial record. It prints crashes (an error that is not the project's), hangs (a door over the time
budget), partial writes, files/s and the peak RSS of the process.

``--hostile`` builds the hostile files of the issue (a 2 MB DOCX unpacking to 800 MB, an XLSX bomb, a PNG
declaring 100000 × 100000 pixels, a PDF of 100000 pages, one with a stream inflating to 1 GB, billion
laughs, deep XML and HTML, and large files within the limits), then has each read by the door in a fresh
process, printing the outcome, the seconds and that process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.errors import IngestError  # noqa: E402
from ingest.settings import IngestSettings  # noqa: E402
from tests.ingest import hostile_files as hostile  # noqa: E402
from tests.ingest.fuzz import PROJECT_ERRORS, fuzz, make_seeds  # noqa: E402

HOSTILE: list[tuple[str, Callable[[Path], Path], str]] = [
    ("docx-bomb-800MB.docx", lambda p: hostile.docx_bomb(p, 800), "ingest"),
    ("docx-lying-sizes.docx", hostile.lying_docx, "ingest"),
    ("docx-billion-laughs.docx", hostile.billion_laughs_docx, "ingest"),
    ("docx-deep-100k.docx", hostile.deep_docx, "ingest"),
    ("docx-nested-zips.docx", lambda p: hostile.nested_docx(p, 6), "ingest"),
    ("docx-20k-members.docx", hostile.many_members_docx, "ingest"),
    ("docx-image-100kx100k.docx", hostile.docx_with_image, "ingest"),
    ("xlsx-bomb-800MB.xlsx", lambda p: hostile.xlsx_bomb(p, 800), "roster"),
    ("xlsx-billion-laughs.xlsx", hostile.billion_laughs_xlsx, "questions"),
    ("png-100kx100k.png", hostile.png_bomb, "ingest"),
    ("jpeg-65kx65k.jpg", hostile.jpeg_bomb, "ingest"),
    ("pdf-100k-pages.pdf", hostile.pdf_many_pages, "ingest"),
    ("pdf-100k-pages-count-1.pdf", lambda p: hostile.pdf_many_pages(p, 100_000, declared=1), "ingest"),
    ("pdf-stream-1GB.pdf", hostile.pdf_huge_stream, "ingest"),
    ("pdf-image-100kx100k.pdf", hostile.pdf_huge_image, "ingest"),
    ("pdf-page-200k-pt.pdf", hostile.pdf_huge_page, "ingest"),
    ("html-deep-200k.html", hostile.deep_html, "ingest"),
    ("docx-large-45MB-within.docx", lambda p: hostile.large_docx(p, 45), "ingest"),
    ("txt-gbk-45MB-within.txt", lambda p: hostile.large_text(p, 45), "ingest"),
    ("checklist-docx-bomb.docx", lambda p: hostile.docx_bomb(p, 800), "checklist"),
]


def _door(name: str, path: Path, settings: IngestSettings) -> str:
    from ingest.loaders import load_file
    from quiz.bank.exchange import import_questions
    from quiz.checklist.items import load_checklist
    from quiz.exam.roster import read_roster

    if name == "ingest":
        loaded = load_file(path, settings)
        return f"read: {len(loaded.text)} chars"
    if name == "roster":
        return f"read: {len(read_roster(path, settings.limits)[0])} entries"
    if name == "questions":
        return f"read: {len(import_questions(path, limits=settings.limits))} questions"
    return f"read: {len(load_checklist(path, limits=settings.limits).items)} items"


def one(path: Path, door: str) -> None:
    """In a fresh process: one file through one door; prints JSON."""
    settings = IngestSettings()
    started = time.perf_counter()
    try:
        outcome = _door(door, path, settings)
    except PROJECT_ERRORS as exc:
        outcome = f"refused: {exc}"
    print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started}, ensure_ascii=False))


def run_hostile(folder: Path) -> None:
    print(f"{'file':30} {'size':>9} {'door':9} {'s':>6} {'peak RSS':>9}  outcome")
    for name, build, door in HOSTILE:
        path = folder / name
        if not path.exists():
            build(path)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, __file__, "--one", str(path), "--door", door],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ})
        assert child.stdout is not None
        output = child.stdout.read().decode()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        try:
            outcome = json.loads(output)["outcome"].replace(str(folder) + "/", "")
        except (json.JSONDecodeError, KeyError):
            outcome = f"CRASH (exit {status}): {output[-300:]}"
        size = path.stat().st_size / 1024 / 1024
        print(f"{name:30} {size:7.2f}MB {door:9} {elapsed:6.1f} {usage.ru_maxrss / 1024:7.0f}MB  {outcome[:150]}")


def run_fuzz(count: int, folder: Path, seed: int, budget_s: float, kb_every: int) -> None:
    from ingest.pipeline import ingest_file
    from kb.base import KnowledgeBase
    from kb.settings import KBSettings
    from quiz.bank.store import QuestionBank
    from quiz.exam.models import RosterError
    from quiz.exam.service import ExamService
    from quiz.settings import QuizSettings

    seeds = make_seeds(folder / "seeds")
    settings = IngestSettings()
    kb = KnowledgeBase.open(folder / "kb", KBSettings())
    ingest_file(kb, next(p for p in seeds if p.suffix == ".docx"), settings)
    exams = ExamService(QuestionBank(f"sqlite:///{folder / 'bank.sqlite'}"), QuizSettings(), limits=settings.limits)
    exam = exams.create_exam("fuzz", {"duration_min": 30, "points": {"判断": 1}, "items": [{"type": "判断", "count": 1}]})
    exams.import_roster(exam.id, next(p for p in seeds if p.name == "roster.xlsx"))
    partial: list[str] = []
    checked = {"kb": 0, "roster": 0}
    seen = {"n": 0}

    def snapshot() -> dict[str, tuple[int, str]]:
        return {d.doc_id: (d.unit_count, str(d.status)) for d in kb.documents(include_superseded=True)}

    def after_each(path: Path, _rng: random.Random) -> None:
        seen["n"] += 1
        if seen["n"] % kb_every:
            return
        if path.suffix in (".docx", ".pdf", ".md", ".txt", ".html", ".png", ".jpeg"):
            checked["kb"] += 1
            before = snapshot()
            try:
                report = ingest_file(kb, path, settings)
            except IngestError:
                report = None
            after = snapshot()
            if (report is None or not report.ok) and after != before:
                partial.append(f"kb: {path.name}")
            partial.extend(f"kb units: {d}" for d, (units, _) in after.items() if len(kb.units(d)) != units)
        if path.suffix in (".xlsx", ".csv"):
            checked["roster"] += 1
            before_roster = exams.roster(exam.id)
            try:
                imported = exams.import_roster(exam.id, path).imported
                if len(exams.roster(exam.id)) != imported:
                    partial.append(f"roster: {path.name}")
            except RosterError:
                if exams.roster(exam.id) != before_roster:
                    partial.append(f"roster: {path.name}")

    started = time.perf_counter()
    report = fuzz(seeds, count, folder / "mutants", seed=seed, budget_s=budget_s, settings=settings,
                  after_each=after_each)
    elapsed = time.perf_counter() - started
    kb.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mutated files: {report.files} ({', '.join(f'{k} {v}' for k, v in sorted(report.by_format.items()))})")
    print(f"door calls: {report.calls} (read {report.read}, refused with the project's error {report.refused})")
    print(f"crashes: {len(report.crashes)}")
    for line in report.crashes[:20]:
        print("  ", line)
    print(f"hangs (> {budget_s:g} s): {len(report.hangs)}")
    print(f"partial writes: {len(partial)} (checked: knowledge base {checked['kb']}, roster {checked['roster']})")
    for line in partial[:20]:
        print("  ", line)
    print(f"slowest door call: {report.slowest_s:.2f} s")
    print(f"files/s: {report.files / elapsed:.1f} ({elapsed:.0f} s)")
    print(f"peak RSS: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="Mutated files of the fuzz.")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--budget-s", type=float, default=60.0, help="A door call over this is a hang.")
    parser.add_argument("--kb-every", type=int, default=50,
                        help="Every N-th mutant also goes into the knowledge base or the roster.")
    parser.add_argument("--hostile", action="store_true", help="The full-size hostile files, one process each.")
    parser.add_argument("--dir", type=Path, default=None, help="Work folder (default: a temporary one).")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--door", default="ingest", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.door)
        return
    with tempfile.TemporaryDirectory(prefix="xuefa-fuzz-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.hostile:
            run_hostile(folder)
        else:
            run_fuzz(args.count, folder, args.seed, args.budget_s, args.kb_every)


if __name__ == "__main__":
    main()
