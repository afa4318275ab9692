"""``xuefa practice``: what an admin prepares for the 练习 tab — new practice sets and 应知应会 checklists."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xuefa.cli.bank import TYPES, question_line
from xuefa.cli.common import failed, settings_of
from xuefa.services import open_services


@click.group()
def practice() -> None:
    """Practice questions kept in the bank: a new practice set, a 应知应会 checklist made into questions."""


@practice.command("new")
@click.option("--count", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--law", "laws", multiple=True, help="Only these laws (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(TYPES[:4]),
              help="Question types (repeatable; default: single, multi, judge, blank).")
@click.option("--json", "as_json", is_flag=True, help="Print the questions in full, as JSON.")
@click.pass_context
def practice_new(ctx: click.Context, count: int, laws: tuple[str, ...], types: tuple[str, ...],
                 as_json: bool) -> None:
    """Generate a practice set, each question verified against its article, and keep it in the bank (as the
    练习 tab does; `xuefa quiz generate` only prints)."""
    from quiz.generation.generate import UnknownArticle
    from quiz.practice.sets import new_practice_set
    from quiz.source import UnknownLaw

    with open_services(settings_of(ctx)) as services:
        assert services.bank is not None
        try:
            questions = new_practice_set(services.kb, services.bank, count, laws=laws, types=types)
        except (UnknownLaw, UnknownArticle) as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([q.to_json() for q in questions], ensure_ascii=False, indent=1))
        return
    for q in questions:
        click.echo(question_line(q))
    click.echo(f"{len(questions)} questions in the bank" + (f" (asked for {count})" if len(questions) < count else ""))


@practice.command("checklist")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--title", default=None, help="The checklist's title (default: its heading, or the file name).")
@click.pass_context
def practice_checklist(ctx: click.Context, file: Path, title: str | None) -> None:
    """Load a 应知应会 checklist (md/txt/docx/csv/xlsx): keep its items for mastery per item, make questions
    item by item into the bank, and remember its 问答 items for the search (as the 练习 tab's loader does)."""
    from quiz.checklist.items import ChecklistError, load_checklist
    from quiz.practice.sets import import_checklist

    settings = settings_of(ctx)
    try:
        checklist = load_checklist(file, title=title, limits=settings.ingest.limits)
    except ChecklistError as exc:
        raise failed(exc, file) from exc
    with open_services(settings) as services:
        assert services.bank is not None
        done = import_checklist(services.kb, services.bank, checklist)
    made = done.made
    click.echo(f"{checklist.title}: {len(checklist.items)} items, {len(made.questions)} questions for "
               f"{made.covered} items ({done.added} new in the bank), {done.remembered} answered questions remembered")
    for label, items in (("cites no article of the knowledge base", made.missing_article),
                         ("gave no question that passes the checks", made.without_question)):
        if items:
            numbers = "、".join(str(item.number) for item in items[:30]) + ("…" if len(items) > 30 else "")
            click.echo(f"{len(items)} items {label}: {numbers}", err=True)
