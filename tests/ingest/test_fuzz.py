"""A short fuzz: real files of each format, mutated (bytes flipped, cut, noise, zip members swapped or lying
about their sizes), through every door that takes them. Only the project's errors come out, nothing hangs
past the budget, and a refused file leaves no partial record in the knowledge base or the bank. The long
run is the benchmark ``scripts/fuzz_files.py --count 10000``."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from ingest.pipeline import ingest_file
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.settings import KBSettings
from quiz.bank.store import QuestionBank
from quiz.exam.models import RosterError
from quiz.exam.service import ExamService
from quiz.settings import QuizSettings
from tests.ingest.fuzz import PROJECT_ERRORS, _members, _zip, doors, fuzz, make_seeds, mutate

BUDGET_S = 60.0


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_seeds(tmp_path_factory.mktemp("seeds"))


def test_every_format_seed_is_fuzzed(seeds: list[Path]) -> None:
    assert {p.suffix for p in seeds} >= {".pdf", ".docx", ".xlsx", ".csv", ".html", ".txt", ".md", ".png", ".jpeg"}


def test_mutated_files_raise_only_the_project_s_errors(seeds: list[Path], tmp_path: Path) -> None:
    report = fuzz(seeds, 400, tmp_path / "mutants", seed=16, budget_s=BUDGET_S)
    assert report.crashes == []
    assert report.hangs == []
    assert report.files == 400 and report.refused > 0 and report.read > 0


def test_a_docx_with_its_body_and_properties_swapped_is_refused(seeds: list[Path], tmp_path: Path) -> None:
    """Found by the long fuzz: word/document.xml swapped with docProps/core.xml made xuefa ingest's
    裁量基准 check (ingest.benchmarks.read_docx_tables) raise python-docx's AttributeError."""
    members = _members(next(p for p in seeds if p.name == "benchmark.docx").read_bytes())
    names = [info.filename for info, _ in members]
    i, j = names.index("word/document.xml"), names.index("docProps/core.xml")
    (a, body_a), (b, body_b) = members[i], members[j]
    members[i], members[j] = (a, body_b), (b, body_a)
    path = tmp_path / "swapped.docx"
    path.write_bytes(_zip(members))
    settings = IngestSettings()
    for call in doors(".docx", settings).values():
        with pytest.raises(PROJECT_ERRORS):
            call(path)
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    report = ingest_file(kb, path, settings)
    assert not report.ok and "not a valid DOCX" in str(report.error)
    assert kb.documents(include_superseded=True) == []
    kb.close()


def test_a_docx_needing_a_newer_zip_version_is_refused(seeds: list[Path], tmp_path: Path) -> None:
    """Found by the long fuzz (mutant #3610, a flipped byte): a central-directory entry saying it needs zip
    version 12.0 made zipfile raise NotImplementedError in the DOCX loader, past xuefa ingest."""
    data = bytearray(next(p for p in seeds if p.name == "benchmark.docx").read_bytes())
    entry = data.find(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = struct.pack("<H", 120)  # version needed to extract
    path = tmp_path / "version.docx"
    path.write_bytes(bytes(data))
    settings = IngestSettings()
    for call in doors(".docx", settings).values():
        with pytest.raises(PROJECT_ERRORS):
            call(path)
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    report = ingest_file(kb, path, settings)
    assert not report.ok and "not a valid DOCX" in str(report.error)
    kb.close()


def _snapshot(kb: KnowledgeBase) -> dict[str, tuple[int, str, str]]:
    return {d.doc_id: (d.unit_count, d.content_hash, str(d.status)) for d in kb.documents(include_superseded=True)}


def test_mutants_leave_no_partial_record_in_the_knowledge_base(seeds: list[Path], tmp_path: Path) -> None:
    kb = KnowledgeBase.open(tmp_path / "kb", KBSettings())
    settings = IngestSettings()
    laws = [p for p in seeds if p.suffix in (".docx", ".pdf", ".md", ".txt", ".html") and p.stem != "checklist"]
    assert ingest_file(kb, laws[0], settings).ok
    rng = random.Random(11)
    for n in range(30):
        source = laws[n % len(laws)]
        _, data = mutate(source.read_bytes(), source.suffix, rng)
        path = tmp_path / f"mutant{source.suffix}"
        path.write_bytes(data or b"\x00")
        before = _snapshot(kb)
        report = ingest_file(kb, path, settings)
        after = _snapshot(kb)
        if not report.ok:
            assert after == before, report.error
        for doc_id, (units, _, _) in after.items():
            assert len(kb.units(doc_id)) == units
    kb.close()


def test_mutated_rosters_leave_the_stored_roster_whole(seeds: list[Path], tmp_path: Path) -> None:
    bank = QuestionBank(f"sqlite:///{tmp_path / 'bank.sqlite'}")
    exams = ExamService(bank, QuizSettings())
    info = exams.create_exam("名单模糊测试", {"duration_min": 30, "points": {"判断": 1},
                                             "items": [{"type": "判断", "count": 1}]})
    roster = next(p for p in seeds if p.name == "roster.xlsx")
    assert exams.import_roster(info.id, roster).imported == 2
    rng = random.Random(5)
    for n in range(60):
        source = roster if n % 2 else next(p for p in seeds if p.name == "roster.csv")
        _, data = mutate(source.read_bytes(), source.suffix, rng)
        path = tmp_path / f"mutant{source.suffix}"
        path.write_bytes(data or b"\x00")
        before = exams.roster(info.id)
        try:
            report = exams.import_roster(info.id, path)
        except RosterError:
            assert exams.roster(info.id) == before
        else:
            assert len(exams.roster(info.id)) == report.imported
    bank.close()
