"""Admin uploads → the knowledge base, one file at a time; a bad file is reported and the batch goes on.

Uploaded files are kept under ``<home>/uploads/`` and ingested from there, so re-uploading a corrected
file of the same name replaces what the earlier upload stored. A file that fails leaves the knowledge
base, and any earlier upload of the same name, as they were.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import FileRefused
from ingest.guard import guard_file
from ingest.settings import IngestSettings
from kb.base import AddOutcome, KnowledgeBase
from kb.base import Progress as UnitProgress

log = logging.getLogger(__name__)

ACTIONS = {
    "added": "已新增",
    "unchanged": "内容未变，无需更新",
    "replaced": "已更新（替换此前同名上传的内容）",
    "superseded-by-newer": "已存入，但知识库中已有该法规更新的版本",
}


@dataclass(frozen=True)
class UploadResult:
    name: str
    ok: bool
    summary: str


def describe(outcome: AddOutcome) -> str:
    text = f"《{outcome.title}》{ACTIONS.get(outcome.action, outcome.action)}，{outcome.units} 条"
    if outcome.superseded:
        text += f"；取代旧版本 {len(outcome.superseded)} 个"
    return text


def safe_name(name: str) -> str:
    """The file's own name, without any folder part; never empty or hidden."""
    base = Path(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or "upload"


def ingest_upload(
    kb: KnowledgeBase, source: Path, settings: IngestSettings, uploads_dir: Path,
    unit_progress: UnitProgress | None = None,
) -> UploadResult:
    """Keep ``source`` as ``uploads_dir/<name>`` and ingest it; on failure restore what was there."""
    from ingest.pipeline import ingest_file  # the ingest pipeline is heavy: only admins pay for it

    name = safe_name(source.name)
    try:
        guard_file(source, settings.limits)  # before it replaces an earlier upload of the same name
    except FileRefused as exc:
        return UploadResult(name, False, exc.reason)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    target = uploads_dir / name
    backup = target.read_bytes() if target.is_file() else None
    try:
        shutil.copyfile(source, target)
        report = ingest_file(kb, target, settings, unit_progress=unit_progress)
        error = report.error if not report.ok else ""
    except Exception as exc:  # a parser crash on one file must not end the batch
        log.exception("ingest of %s failed", name)
        report, error = None, f"处理出错（{type(exc).__name__}: {exc}）"
    if report is not None and report.ok and report.outcome is not None:
        summary = describe(report.outcome)
        if report.unresolved:
            summary += f"；所引条文中知识库没有的 {len(report.unresolved)} 处：{'、'.join(report.unresolved[:5])}"
        return UploadResult(name, True, summary)
    if backup is None:
        target.unlink(missing_ok=True)
    else:
        target.write_bytes(backup)
    return UploadResult(name, False, error or "未知错误")


OverallProgress = Callable[[float, str], None]
"""progress(fraction of the whole batch, what is happening)."""


def ingest_uploads(
    kb: KnowledgeBase, sources: Sequence[Path], settings: IngestSettings, uploads_dir: Path,
    progress: OverallProgress | None = None,
) -> Iterator[UploadResult]:
    """Each uploaded file in turn, with progress over the batch (files, and articles within a file)."""
    n = len(sources)
    for i, source in enumerate(sources):
        name = safe_name(source.name)

        def on_units(done: int, total: int, _what: str, i: int = i, name: str = name) -> None:
            if progress is not None and total:
                progress((i + done / total) / n, f"{name}：写入条文 {done}/{total}")

        if progress is not None:
            progress(i / n, f"正在处理 {name}（{i + 1}/{n}）")
        yield ingest_upload(kb, source, settings, uploads_dir, on_units)
    if progress is not None:
        progress(1.0, "完成")
