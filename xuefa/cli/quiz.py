"""``xuefa quiz``: questions generated from the knowledge base, printed (``xuefa practice new`` keeps them)."""

from __future__ import annotations

import click

from xuefa.cli.common import settings_of
from xuefa.services import knowledge_base


@click.group()
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
                   "short (简答) and case (案例分析) need the LLM of chat.llm; with one configured, it also "
                   "writes single/multi situation items, each kept only if its key is proved from the article.")
@click.option("--seed", type=int, default=None, help="Random seed for a reproducible set.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def quiz_generate(ctx: click.Context, count: int, laws: tuple[str, ...], articles: tuple[str, ...],
                  types: tuple[str, ...], seed: int | None, as_json: bool) -> None:
    """Generate questions, each verified against the article it cites."""
    from kb.citations import parse_citations
    from quiz.generation.generate import UnknownArticle, generate
    from quiz.generation.generators import QUESTION_TYPES, CompletionError, LLMQuestion, WithLLMSituations
    from quiz.models import dump_json
    from quiz.source import UnknownLaw
    from xuefa.quiz_llm import NEEDS_LLM, quiz_llm

    settings = settings_of(ctx)
    citations = []
    for text in articles:
        found = [c for c in parse_citations(text) if c.article is not None]
        if not found:
            raise click.ClickException(f"--article {text!r}: not an article citation (e.g. 行政处罚法第51条)")
        citations.extend(found)
    open_types = [t for t in types if t in ("short", "case")]
    situation_types = [t for t in (types or QUESTION_TYPES) if t in ("single", "multi")]
    llm = quiz_llm(settings.chat.llm) if open_types or situation_types else None
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
    if llm is not None:
        llm_made = [g for t in [*open_types, *situation_types]
                    if isinstance(g := registry[t], (LLMQuestion, WithLLMSituations))]
        calls = sum(g.stats.calls for g in llm_made)
        dropped = sum(g.stats.unsupported + g.stats.unparsable for g in llm_made)
        if dropped:
            click.echo(f"大语言模型出题 {calls} 次，{dropped} 道因要点或答案在条文中找不到依据或格式不对已丢弃。", err=True)
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
