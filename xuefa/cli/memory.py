"""``xuefa memory``: answered questions the search remembers."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xuefa.cli.common import settings_of
from xuefa.services import feedback_store, knowledge_base, open_services


@click.group()
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
    settings = settings_of(ctx)
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

    with knowledge_base(settings_of(ctx)) as kb:
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

    settings = settings_of(ctx)
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


@memory.command("export")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--source", default=None, help="Only the questions of this source (see `xuefa memory list`).")
@click.pass_context
def memory_export(ctx: click.Context, out: Path, source: str | None) -> None:
    """Write the remembered questions as a labelled questions file (officer_dev.jsonl format), to measure the
    search on them (`xuefa eval --folds`) or fit the learned search with them (scripts/train_retriever.py
    --questions): confirmed 👍 answers are officers' own questions with the articles that answered them."""
    from kb.evaluate import write_questions
    from xuefa.answered import as_questions

    with knowledge_base(settings_of(ctx)) as kb:
        entries = [e for e in kb.registry.answered() if source is None or e.source == source]
    try:
        written = write_questions(out, as_questions(entries))
    except OSError as exc:
        click.echo(f"✗ {out}：{exc.strerror or exc}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"✓ {out.name}: {written} questions")


@memory.command("forget")
@click.option("--source", default=None, help="Only the questions of this source (see `xuefa memory list`).")
@click.pass_context
def memory_forget(ctx: click.Context, source: str | None) -> None:
    """Forget answered questions (all, or one source's)."""
    with knowledge_base(settings_of(ctx)) as kb:
        click.echo(f"forgot {kb.forget(source)} answered questions")
