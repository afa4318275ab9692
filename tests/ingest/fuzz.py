"""Mutated real files fed to every door; shared by tests/ingest/test_fuzz.py and scripts/fuzz_files.py.

Seeds are real files of each format (PDF, DOCX, XLSX, CSV, HTML, TXT/Markdown in UTF-8 and GBK, PNG/JPEG),
built here with tests/ingest/make_files.py and tests/benchmark_tables.py. A mutation flips bytes, cuts the file, inserts noise, or —
for a zip — swaps two members' contents, lies about a member's sizes, or replaces a member with noise.
Each mutant goes through the doors that take its format: :func:`ingest.loaders.load_file`, the table
reader of the question-bank and roster imports, the roster and the checklist import, the 裁量基准 reader. Only the project's
own errors may come out; anything else is a crash. A hang is a door taking longer than the time budget.
"""

from __future__ import annotations

import io
import random
import signal
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from ingest.benchmarks import read_benchmark
from ingest.errors import IngestError
from ingest.loaders import load_file
from ingest.settings import FileLimits, IngestSettings
from quiz.bank.exchange import ExchangeError, import_questions
from quiz.checklist.items import ChecklistError, load_checklist
from quiz.exam.models import RosterError
from quiz.exam.roster import read_roster
from quiz.sheets import SheetError
from tests import benchmark_tables
from tests.ingest import make_files

PROJECT_ERRORS = (IngestError, SheetError, ChecklistError, RosterError, ExchangeError)

CHECKLIST_MD = """# 测试应知应会清单

## 一、基本原则

问：超限运输车辆应当如何处理？
答：应当卸载。
依据：《中华人民共和国公路法》第五十条

1. 行政处罚应当公正公开。（《中华人民共和国行政处罚法》第五条）
"""
LAW_TEXT = make_files.GOV_LAW


def _law_text() -> str:
    return "\n".join(p.text for p in LAW_TEXT)


def make_seeds(folder: Path) -> list[Path]:
    """Real files of every format the doors take."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [
        make_files.make_docx(folder / "law.docx"),
        make_files.make_html(folder / "law.html", "gbk"),
        make_files.write_text(folder / "law-gbk.txt", _law_text(), "gbk"),
        make_files.write_text(folder / "law.md", "# 测试运输条例\n\n" + _law_text(), "utf-8"),
        make_files.write_text(folder / "checklist.md", CHECKLIST_MD, "utf-8"),
    ]
    if make_files.find_cjk_font() is not None:
        seeds.append(make_files.make_gov_pdf(folder / "law.pdf"))
    else:  # a text PDF without a CJK font
        seeds.append(_simple_pdf(folder / "law.pdf"))
    seeds.append(_roster_xlsx(folder / "roster.xlsx"))
    seeds.append(_questions_xlsx(folder / "questions.xlsx"))
    seeds.append(benchmark_tables.write_two_row_header_xlsx(folder / "benchmark.xlsx"))  # 裁量基准
    seeds.append(benchmark_tables.write_docx(folder / "benchmark.docx"))
    (folder / "roster.csv").write_bytes("警号,姓名,单位\n001,王五,路政大队\n002,赵六,运政科\n".encode("gb18030"))
    seeds.append(folder / "roster.csv")
    for kind in ("PNG", "JPEG"):
        image = Image.new("RGB", (64, 48), (200, 30, 30))
        path = folder / f"photo.{kind.lower()}"
        image.save(path, format=kind)
        seeds.append(path)
    return seeds


def _simple_pdf(path: Path) -> Path:
    from tests.ingest.hostile_files import raw_pdf

    text = b"BT /F1 12 Tf 72 720 Td (Article 1 of the test regulation applies to all road transport.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    path.write_bytes(raw_pdf(objects))
    return path


def _roster_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["警号", "姓名", "单位"])
    sheet.append(["001", "张三", "一大队"])
    sheet.append(["002", "李四", "二大队"])
    book.save(path)
    return path


def _questions_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["题型", "题干", "选项A", "选项B", "答案", "出处"])
    sheet.append(["单选题", "超限运输应当？", "卸载", "放行", "A", "《中华人民共和国公路法》第五十条"])
    book.save(path)
    return path


# -- mutations ---------------------------------------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def insert_noise(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 512)) + data[at:]


def repeat_chunk(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    chunk = data[at : at + rng.randint(1, 256)]
    return data[:at] + chunk * rng.randint(2, 200) + data[at:]


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in members:
            archive.writestr(info.filename, body)
    return buffer.getvalue()


def swap_members(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    i, j = rng.randrange(len(members)), rng.randrange(len(members))
    (a, body_a), (b, body_b) = members[i], members[j]
    members[i], members[j] = (a, body_b), (b, body_a)
    return _zip(members)


def noise_member(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    i = rng.randrange(len(members))
    info, body = members[i]
    members[i] = (info, flip_bytes(body, rng) if body and rng.random() < 0.5 else rng.randbytes(rng.randint(0, 4096)))
    return _zip(members)


def lie_about_sizes(data: bytes, rng: random.Random) -> bytes:
    """Central-directory entries whose compressed or unpacked sizes say something else."""
    out = bytearray(data)
    entries = []
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:
        entries.append(at)
        at += 4
    for entry in rng.sample(entries, k=min(len(entries), rng.randint(1, 3))):
        field_at = entry + rng.choice((20, 24))  # compressed, uncompressed size
        value = rng.choice((0, 1, rng.randrange(1 << 16), rng.randrange(1 << 31), 0xFFFFFFFE))
        out[field_at : field_at + 4] = struct.pack("<I", value)
    return bytes(out)


BYTE_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip_bytes, "truncate": truncate, "insert": insert_noise, "repeat": repeat_chunk,
}
ZIP_MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "swap-members": swap_members, "noise-member": noise_member, "lie-sizes": lie_about_sizes,
}


def mutate(data: bytes, suffix: str, rng: random.Random) -> tuple[str, bytes]:
    table = dict(BYTE_MUTATIONS)
    if suffix in (".docx", ".xlsx"):
        table.update(ZIP_MUTATIONS)
    name = rng.choice(sorted(table))
    try:
        return name, table[name](data, rng)
    except (zipfile.BadZipFile, ValueError):
        return "flip", flip_bytes(data, rng)


# -- doors -------------------------------------------------------------------------------------------------


def doors(suffix: str, settings: IngestSettings) -> dict[str, Callable[[Path], object]]:
    """Every door that takes a file of this ending."""
    limits = settings.limits
    out: dict[str, Callable[[Path], object]] = {"ingest": lambda p: load_file(p, settings)}
    if suffix in (".xlsx", ".csv"):
        out["questions"] = lambda p: import_questions(p, limits=limits)
        out["roster"] = lambda p: read_roster(p, limits)
    if suffix in (".md", ".txt", ".docx", ".xlsx", ".csv"):
        out["checklist"] = lambda p: load_checklist(p, limits=limits)
    if suffix in (".xlsx", ".docx"):  # xuefa ingest reads a workbook, or a DOCX with its table, as a 裁量基准
        out["benchmark"] = lambda p: read_benchmark(p, settings)
    return out


class Hang(Exception):
    pass


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this (main) thread after ``seconds``."""
    def on_alarm(_signum: int, _frame: object) -> None:
        raise Hang()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class FuzzReport:
    files: int = 0
    calls: int = 0
    read: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slowest_s: float = 0.0
    by_format: dict[str, int] = field(default_factory=dict)


def fuzz(seeds: list[Path], count: int, folder: Path, seed: int = 16, budget_s: float = 60.0,
         settings: IngestSettings | None = None,
         after_each: Callable[[Path, random.Random], None] | None = None) -> FuzzReport:
    """``count`` mutants, round-robin over the seeds, each through every door of its format."""
    settings = settings or IngestSettings(limits=FileLimits())
    rng = random.Random(seed)
    originals = [(path, path.read_bytes()) for path in seeds]
    report = FuzzReport()
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        source, data = originals[n % len(originals)]
        how, mutated = mutate(data, source.suffix, rng)
        if not mutated:
            mutated = b"\x00"
        path = folder / f"m{n % 50}{source.suffix}"
        path.write_bytes(mutated)
        report.files += 1
        report.by_format[source.suffix] = report.by_format.get(source.suffix, 0) + 1
        for door, call in doors(source.suffix, settings).items():
            report.calls += 1
            label = f"#{n} {source.name} {how} → {door}"
            started = time.perf_counter()
            try:
                with time_budget(budget_s):
                    call(path)
                report.read += 1
            except PROJECT_ERRORS:
                report.refused += 1
            except Hang:
                report.hangs.append(label)
            except Exception as exc:  # what the fuzz looks for
                report.crashes.append(f"{label}: {type(exc).__name__}: {exc}"[:300])
            report.slowest_s = max(report.slowest_s, time.perf_counter() - started)
        if after_each is not None:
            after_each(path, rng)
    return report
