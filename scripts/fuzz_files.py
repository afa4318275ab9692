"""Benchmark of hostile and mutated files (issue 16).

    PYTHONPATH=. python scripts/fuzz_files.py --count 10000          # the long fuzz
    PYTHONPATH=. python scripts/fuzz_files.py --hostile              # the full-size hostile files

The fuzz mutates real files of each format (PDF, DOCX, XLSX incl. a 裁量基准, CSV, HTML, TXT/Markdown in
UTF-8 and GBK, PNG/JPEG) and feeds each to every door that takes it (tests/ingest/fuzz.py); every
``--kb-every``-th mutant (default: every one) also goes through ``xuefa ingest``'s ingest_file into a real
knowledge base (its vectors from a hash, not e5: storage is what is checked) and, if a table, into a real
exam roster, checking that a refused file leaves no partial record. It prints crashes (an error that is not
the project's), hangs (a door over the time budget), partial writes, files/s and the peak RSS of the process.

``--hostile`` builds the hostile files of the issue (a 2 MB DOCX unpacking to 800 MB, an XLSX bomb, a PNG
declaring 100000 × 100000 pixels, a PDF of 100000 pages, one with a stream inflating to 1 GB, billion
laughs, deep XML and HTML, half a million articles, and large files within the limits), then has each go
through its door in a fresh process beside a knowledge base (or exam roster) holding something already,
printing the outcome, the seconds, that process's peak RSS (VmHWM) and whether what was stored is still there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.errors import IngestError  # noqa: E402
from ingest.settings import IngestSettings  # noqa: E402
from tests.ingest import hostile_files as hostile  # noqa: E402
from tests.ingest.fuzz import PROJECT_ERRORS, Hang, fuzz, make_seeds, time_budget  # noqa: E402

HOSTILE: list[tuple[str, Callable[[Path], Path], str]] = [
    ("docx-bomb-800MB.docx", lambda p: hostile.docx_bomb(p, 800), "ingest"),
    ("docx-lying-sizes.docx", hostile.lying_docx, "ingest"),
    ("docx-billion-laughs.docx", hostile.billion_laughs_docx, "ingest"),
    ("docx-deep-100k.docx", hostile.deep_docx, "ingest"),
    ("docx-nested-zips.docx", lambda p: hostile.nested_docx(p, 6), "ingest"),
    ("docx-20k-members.docx", hostile.many_members_docx, "ingest"),
    ("docx-image-100kx100k.docx", hostile.docx_with_image, "ingest"),
    ("xlsx-bomb-800MB.xlsx", lambda p: hostile.xlsx_bomb(p, 800), "roster"),
    ("xlsx-bomb-800MB-as-benchmark.xlsx", lambda p: hostile.xlsx_bomb(p, 800), "ingest"),
    ("xlsx-billion-laughs.xlsx", hostile.billion_laughs_xlsx, "questions"),
    ("png-100kx100k.png", hostile.png_bomb, "ingest"),
    ("jpeg-65kx65k.jpg", hostile.jpeg_bomb, "ingest"),
    ("pdf-100k-pages.pdf", hostile.pdf_many_pages, "ingest"),
    ("pdf-100k-pages-count-1.pdf", lambda p: hostile.pdf_many_pages(p, 100_000, declared=1), "ingest"),
    ("pdf-stream-1GB.pdf", hostile.pdf_huge_stream, "ingest"),
    ("pdf-image-100kx100k.pdf", hostile.pdf_huge_image, "ingest"),
    ("pdf-page-200k-pt.pdf", hostile.pdf_huge_page, "ingest"),
    ("html-deep-200k.html", hostile.deep_html, "ingest"),
    ("docx-45MB-287k-articles.docx", lambda p: hostile.large_docx(p, 45), "ingest"),
    ("docx-49MB-13M-elements.docx", hostile.many_elements_docx, "ingest"),
    ("docx-300k-articles-900k-elements.docx", lambda p: hostile.short_articles_docx(p, 300_000), "ingest"),
    ("txt-gbk-41MB-484k-articles.txt", lambda p: hostile.large_text(p, 45), "ingest"),
    ("docx-45MB-19k-articles-within.docx", lambda p: hostile.large_docx(p, 45, sentences=30), "ingest"),
    ("txt-gbk-40MB-19k-articles-within.txt", lambda p: hostile.large_text(p, 45, sentences=39), "ingest"),
    ("checklist-docx-bomb.docx", lambda p: hostile.docx_bomb(p, 800), "checklist"),
]


def _large_roster(path: Path, rows: int = 19_000) -> Path:
    """A legitimately large roster (just under the 20000-row limit)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["警号", "姓名", "单位"])
    for n in range(rows):
        sheet.append([f"{n:06d}", f"测试{n}", f"第{n % 40}大队"])
    book.save(path)
    return path


HOSTILE += [
    ("pdf-4000-pages-within.pdf", lambda p: hostile.pdf_many_pages(p, 4000, font=True), "ingest"),
    ("xlsx-roster-19k-rows-within.xlsx", _large_roster, "roster"),
]


def _prepare(folder: Path) -> None:
    """What is stored before the hostile files come: a law in a knowledge base, a roster in an exam."""
    from ingest.pipeline import ingest_file
    from kb.base import KnowledgeBase
    from kb.settings import KBSettings
    from quiz.bank.store import QuestionBank
    from quiz.exam.service import ExamService
    from quiz.settings import QuizSettings

    if (folder / "stored" / "bank.sqlite").exists():
        return
    seeds = make_seeds(folder / "stored" / "seeds")
    kb = KnowledgeBase.open(folder / "stored" / "kb", KBSettings())
    assert ingest_file(kb, next(p for p in seeds if p.suffix == ".docx"), IngestSettings()).ok
    kb.close()
    bank = QuestionBank(f"sqlite:///{folder / 'stored' / 'bank.sqlite'}")
    exams = ExamService(bank, QuizSettings())
    exam = exams.create_exam("hostile", {"duration_min": 30, "points": {"判断": 1},
                                         "items": [{"type": "判断", "count": 1}]})
    exams.import_roster(exam.id, next(p for p in seeds if p.name == "roster.xlsx"))
    bank.close()


def _door(name: str, path: Path, settings: IngestSettings, stored: Path) -> tuple[str, bool | None]:
    """The door's outcome, and whether what was stored before is all still there (None: the door stores
    nothing). ``xuefa ingest`` stores into a knowledge base; a file read within the limits is loaded and
    parsed but not embedded (hundreds of thousands of articles would take the embedder an hour)."""
    from ingest.benchmarks import benchmark_document, is_benchmark_file, read_benchmark
    from ingest.loaders import load_file
    from ingest.structure import parse_document
    from quiz.bank.exchange import import_questions
    from quiz.checklist.items import load_checklist

    if name == "ingest":
        from ingest.pipeline import ingest_file
        from kb.base import KnowledgeBase
        from kb.settings import KBSettings

        kb = KnowledgeBase.open(stored / "kb", KBSettings())

        def snapshot() -> dict[str, tuple[int, str, str, int]]:
            return {d.doc_id: (d.unit_count, d.content_hash, str(d.status), len(kb.units(d.doc_id)))
                    for d in kb.documents(include_superseded=True)}

        before = snapshot()
        if "within" in path.name:  # what ingest_file does before kb.add
            if is_benchmark_file(path, settings):
                units = len(benchmark_document(read_benchmark(path, settings)).units)
                return f"read: a 裁量基准 of {units} rows (not embedded)", None
            loaded = load_file(path, settings)
            units = len(parse_document(loaded, None, settings.limits.max_units).units)
            return f"read: {len(loaded.text)} chars, {units} units (not embedded)", None
        report = ingest_file(kb, path, settings)
        after = snapshot()
        kb.close()
        if report.ok:  # stored beside what was there
            return "read: stored", bool(before) and before.keys() <= after.keys()
        return f"refused: {report.error}", bool(before) and after == before
    if name == "roster":
        from quiz.bank.store import QuestionBank
        from quiz.exam.models import RosterError
        from quiz.exam.service import ExamService
        from quiz.settings import QuizSettings

        exams = ExamService(QuestionBank(f"sqlite:///{stored / 'bank.sqlite'}"), QuizSettings(),
                            limits=settings.limits)
        exam_id = exams.list_exams()[0].id
        before_roster = exams.roster(exam_id)
        try:
            imported = exams.import_roster(exam_id, path).imported
        except RosterError as exc:
            return f"refused: {exc}", bool(before_roster) and exams.roster(exam_id) == before_roster
        return f"read: {imported} entries", None
    if name == "questions":
        return f"read: {len(import_questions(path, limits=settings.limits))} questions", None
    return f"read: {len(load_checklist(path, limits=settings.limits).items)} items", None


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss of an exec'd child also counts its parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(path: Path, door: str, stored: Path) -> None:
    """In a fresh process: one file through one door; prints JSON."""
    settings = IngestSettings()
    started = time.perf_counter()
    kept = None
    try:
        outcome, kept = _door(door, path, settings, stored)
    except PROJECT_ERRORS as exc:
        outcome = f"refused: {exc}"
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started, "kept": kept,
                      "peak_mb": _peak_mb(), "cpu_s": usage.ru_utime + usage.ru_stime}, ensure_ascii=False))


def run_hostile(folder: Path) -> None:
    _prepare(folder)
    print(f"{'file':34} {'size':>9} {'door':9} {'door s':>6} {'proc s':>6} {'CPU s':>6} {'peak RSS':>8} {'kept':5} "
          "outcome")
    worst_mb = worst_s = 0.0
    for name, build, door in HOSTILE:
        path = folder / name
        if not path.exists():
            build(path)
        started = time.perf_counter()
        child = subprocess.run([sys.executable, __file__, "--one", str(path), "--door", door,
                                "--dir", str(folder)], capture_output=True, env={**os.environ})
        elapsed = time.perf_counter() - started
        try:
            result = json.loads(child.stdout.decode().strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            print(f"{name:34} CRASH (exit {child.returncode}): {child.stderr.decode()[-300:]}")
            continue
        outcome = result["outcome"].replace(str(folder) + "/", "")
        kept = {None: "-", True: "yes", False: "NO"}[result["kept"]]
        worst_mb, worst_s = max(worst_mb, result["peak_mb"]), max(worst_s, elapsed)
        size = path.stat().st_size / 1024 / 1024
        print(f"{name:34} {size:7.2f}MB {door:9} {result['seconds']:6.1f} {elapsed:6.1f} {result['cpu_s']:6.1f} "
              f"{result['peak_mb']:6.0f}MB {kept:5} {outcome[:160]}", flush=True)
    print(f"largest peak RSS: {worst_mb:.0f} MB; longest process: {worst_s:.1f} s")


class HashEmbedder:
    """A stand-in for the embedding model in the fuzz's knowledge base: each text's vector from its hash. What
    the fuzz checks is storage (no partial record), not vectors; e5 took 80 % of the fuzz's time."""

    name = "fuzz-hash"
    dim = 32

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vector = np.frombuffer(hashlib.sha256(text.encode()).digest(), np.uint8).astype(np.float32) - 127.5
        return vector / np.linalg.norm(vector)


def run_fuzz(count: int, folder: Path, seed: int, budget_s: float, kb_every: int, embedder: str) -> None:
    from ingest.pipeline import ingest_file
    from kb.base import KnowledgeBase
    from kb.settings import KBSettings
    from quiz.bank.store import QuestionBank
    from quiz.exam.models import RosterError
    from quiz.exam.service import ExamService
    from quiz.settings import QuizSettings

    seeds = make_seeds(folder / "seeds")
    settings = IngestSettings()
    kb = KnowledgeBase.open(folder / "kb", KBSettings(), HashEmbedder() if embedder == "hash" else None)
    ingest_file(kb, next(p for p in seeds if p.suffix == ".docx"), settings)
    exams = ExamService(QuestionBank(f"sqlite:///{folder / 'bank.sqlite'}"), QuizSettings(), limits=settings.limits)
    exam = exams.create_exam("fuzz", {"duration_min": 30, "points": {"判断": 1}, "items": [{"type": "判断", "count": 1}]})
    exams.import_roster(exam.id, next(p for p in seeds if p.name == "roster.xlsx"))
    partial: list[str] = []
    crashes: list[str] = []  # of the storing doors (xuefa ingest into the knowledge base, the roster import)
    hangs: list[str] = []
    checked = {"kb": 0, "roster": 0}
    seen = {"n": 0}

    def snapshot() -> dict[str, tuple[int, str, str]]:
        return {d.doc_id: (d.unit_count, d.content_hash, str(d.status)) for d in kb.documents(include_superseded=True)}

    def store(label: str, call: Callable[[], object]) -> object:
        try:
            with time_budget(budget_s):
                return call()
        except (IngestError, RosterError):
            raise
        except Hang:
            hangs.append(label)
        except Exception as exc:  # what the fuzz looks for
            crashes.append(f"{label}: {type(exc).__name__}: {exc}"[:300])
        return None

    def after_each(path: Path, _rng: random.Random) -> None:
        seen["n"] += 1
        if seen["n"] % 500 == 0:
            print(f"... {seen['n']} files, {time.perf_counter() - started:.0f} s, partial writes {len(partial)}",
                  file=sys.stderr, flush=True)
        if seen["n"] % kb_every:
            return
        if path.suffix in (".docx", ".xlsx", ".pdf", ".md", ".txt", ".html", ".png", ".jpeg"):
            checked["kb"] += 1
            before = snapshot()
            try:
                report = store(f"#{seen['n'] - 1} {path.name} → knowledge base",
                               lambda: ingest_file(kb, path, settings))
            except IngestError:
                report = None
            after = snapshot()
            if (report is None or not report.ok) and after != before:  # type: ignore[attr-defined]
                partial.append(f"kb: #{seen['n'] - 1} {path.name}")
            partial.extend(f"kb units: {d}" for d, (units, _, _) in after.items() if len(kb.units(d)) != units)
        if path.suffix in (".xlsx", ".csv"):
            checked["roster"] += 1
            before_roster = exams.roster(exam.id)
            try:
                result = store(f"#{seen['n'] - 1} {path.name} → roster", lambda: exams.import_roster(exam.id, path))
                if result is not None and len(exams.roster(exam.id)) != result.imported:  # type: ignore[attr-defined]
                    partial.append(f"roster: #{seen['n'] - 1} {path.name}")
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
    print(f"crashes: {len(report.crashes) + len(crashes)} (doors {len(report.crashes)}, storing {len(crashes)})")
    for line in (report.crashes + crashes)[:20]:
        print("  ", line)
    print(f"hangs (> {budget_s:g} s): {len(report.hangs) + len(hangs)}")
    for line in (report.hangs + hangs)[:20]:
        print("  ", line)
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
    parser.add_argument("--kb-every", type=int, default=1,
                        help="Every N-th mutant also goes into the knowledge base or the roster.")
    parser.add_argument("--embedder", choices=("hash", "e5"), default="hash",
                        help="The fuzz's knowledge base embeds with a hash (default) or the real e5 model.")
    parser.add_argument("--hostile", action="store_true", help="The full-size hostile files, one process each.")
    parser.add_argument("--dir", type=Path, default=None, help="Work folder (default: a temporary one).")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--door", default="ingest", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.door, args.dir / "stored")
        return
    with tempfile.TemporaryDirectory(prefix="xuefa-fuzz-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.hostile:
            run_hostile(folder)
        else:
            run_fuzz(args.count, folder, args.seed, args.budget_s, args.kb_every, args.embedder)


if __name__ == "__main__":
    main()
