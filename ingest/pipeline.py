"""Files and folders → parsed documents → the knowledge base, one file at a time.

A bad file is reported with its reason and the batch goes on; what is stored stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.benchmarks import benchmark_document, is_benchmark_file, read_benchmark, unresolved_citations
from ingest.errors import FileRefused, IngestError
from ingest.loaders import load_file
from ingest.manifest import read_manifest
from ingest.settings import IngestSettings
from ingest.structure import parse_document
from kb.base import AddOutcome, KnowledgeBase, Progress
from kb.models import DocumentMeta


@dataclass(frozen=True)
class FileReport:
    path: Path
    outcome: AddOutcome | None = None
    error: str = ""
    unresolved: tuple[str, ...] = ()
    """A discretion benchmark's cited articles the knowledge base does not hold (``路政第5行：《…》第N条``)."""

    @property
    def ok(self) -> bool:
        return self.outcome is not None


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    @property
    def units_added(self) -> int:
        return sum(f.outcome.units for f in self.files if f.outcome and f.outcome.action != "unchanged")


FileProgress = Callable[[int, int, Path], None]
"""file_progress(done, total, path) before each file."""


def collect_files(paths: Iterable[Path], settings: IngestSettings) -> list[Path]:
    """Files named directly (any type: an unknown one is reported later) and supported files in folders."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in settings.extensions))
        else:
            out.append(path)
    return out


def _hints_for(files: list[Path]) -> dict[Path, DocumentMeta]:
    hints: dict[Path, DocumentMeta] = {}
    for folder in {p.parent for p in files} | {q for p in files for q in p.parents}:
        manifest = folder / "MANIFEST.tsv"
        if manifest.is_file():
            for rel, meta in read_manifest(manifest).items():
                hints.setdefault((folder / rel).resolve(), meta)
    return hints


def ingest_paths(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    settings: IngestSettings,
    file_progress: FileProgress | None = None,
    unit_progress: Progress | None = None,
) -> IngestReport:
    files = collect_files(paths, settings)
    hints = _hints_for(files)
    report = IngestReport()
    for i, path in enumerate(files):
        if file_progress:
            file_progress(i, len(files), path)
        report.files.append(ingest_file(kb, path, settings, hints.get(path.resolve()), unit_progress))
    if file_progress:
        file_progress(len(files), len(files), Path())
    return report


def ingest_file(
    kb: KnowledgeBase, path: Path, settings: IngestSettings, hints: DocumentMeta | None = None,
    unit_progress: Progress | None = None,
) -> FileReport:
    try:
        if not path.exists():
            raise IngestError(path, "no such file")
        if is_benchmark_file(path, settings):
            return ingest_benchmark(kb, path, settings, hints, unit_progress)
        parsed = parse_document(load_file(path, settings), hints, settings.limits.max_units)
        if not parsed.units:
            raise IngestError(path, "no articles or sections found in the text")
        return FileReport(path, kb.add(parsed, str(path.resolve()), unit_progress))
    except IngestError as exc:
        return FileReport(path, error=exc.reason)


def ingest_benchmark(
    kb: KnowledgeBase, path: Path, settings: IngestSettings, hints: DocumentMeta | None = None,
    unit_progress: Progress | None = None,
) -> FileReport:
    """A discretion benchmark (XLSX, DOCX or PDF table): one unit per violation × step; the articles its rows cite
    that the knowledge base lacks are listed in the report."""
    bench = read_benchmark(path, settings)
    document = benchmark_document(bench, hints)
    if len(document.units) > settings.limits.max_units:
        raise FileRefused(path, f"共 {len(document.units)} 条（或节），超过上限 {settings.limits.max_units} 条")
    outcome = kb.add(document, str(path.resolve()), unit_progress)
    missing = unresolved_citations(bench, sorted(kb.known_law_keys()), kb.lookup)
    return FileReport(path, outcome, unresolved=tuple(missing))
