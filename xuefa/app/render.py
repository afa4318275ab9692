"""HTML for the app: answers with tappable citations, articles, search hits, ingest reports.

Every piece of law text and user text goes through ``esc`` (HTML-escaped, quotes included): HTML or
JavaScript in a question or a document is shown as text, never run. Only the markup written here is
markup. Tappable elements carry ``data-action`` (``open``: an article by ``data-unit``; ``vote``: feedback
on an answer); one click listener per HTML block (``ui.CLICK_JS``) forwards them to Python.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date

from chat.models import Answer, Notice
from chat.render import SCAN_HINT, SCAN_MARK, article_text, law_title, law_versions, scan_laws
from kb.citations import find_citations, law_key
from kb.models import Citation, Hit, SearchResult
from kb.numbers import ARTICLE_NUMERALS, SMALL_NUMERALS, int_to_cn
from xuefa.app.library import is_superseded, permalink
from xuefa.app.state import ChatSession, Exchange
from xuefa.app.uploads import UploadResult

MAX_QUESTION_SHOWN = 600
SNIPPET_CHARS = 80

_SVG = (
    '<svg class="xf-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" '
    'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">{}</svg>'
)
ICON_UP = _SVG.format(
    '<path d="M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.28a2 2 0 0 0 2-1.7l1.38-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7'
    'a2 2 0 0 1 2-2h3"/>'
)
ICON_DOWN = _SVG.format(
    '<path d="M10 15v4a3 3 0 0 0 3 3l4-9V2H5.72a2 2 0 0 0-2 1.7l-1.38 9a2 2 0 0 0 2 2.3zm7-13h2.67A2.31 2.31 0 0 1 22 '
    '4v7a2.31 2.31 0 0 1-2.33 2H17"/>'
)
ICON_LINK = _SVG.format(
    '<path d="M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71"/>'
    '<path d="M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71"/>'
)

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "扣押车辆最长能扣多少天？",
    "货车超限了，车主拒绝卸载，能扣车吗？",
    "首违不罚是哪一条规定的？",
)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def short_law(title: str) -> str:
    """《中华人民共和国行政强制法》 → 行政强制法 (titles without the prefix stay as they are)."""
    return law_key(title)


def text_block(text: str, cls: str = "xf-p") -> str:
    """Plain text as escaped paragraphs, one per line."""
    return "".join(f'<p class="{cls}">{esc(line)}</p>' for line in text.splitlines() if line.strip())


def version_text(value: date | None) -> str:
    return f"{value.isoformat()} 版" if value else "版本日期未注明"


def _clause_suffix(citation: Citation) -> str:
    out = ""
    if citation.clause is not None:
        out += f"第{int_to_cn(citation.clause)}款"
    if citation.item is not None:
        out += f"第{int_to_cn(citation.item)}项"
    return out


def citation_label(citation: Citation) -> str:
    """《行政强制法》第二十五条第一款: short title, article, 款/项."""
    return f"《{short_law(law_title(citation))}》{article_text(citation)}{_clause_suffix(citation)}"


def _open_attrs(unit_id: str | None, clause: int | None = None) -> str:
    attrs = f'data-action="open" data-unit="{esc(unit_id or "")}"'
    if clause is not None:
        attrs += f' data-clause="{clause}"'
    return attrs


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of an article's text without its 第X条 label, on one line."""
    body = re.sub(rf"^第[{ARTICLE_NUMERALS}\d]+条(之[{SMALL_NUMERALS}]+)?\s*", "", text.strip())
    body = re.sub(r"\s+", " ", body)
    return body if len(body) <= limit else body[:limit] + "…"


def scan_mark(ocr: bool) -> str:
    """The small 「扫描件识别」 mark of an article read from a scan, its hint on hover and for screen readers."""
    if not ocr:
        return ""
    return f'<span class="xf-badge xf-scan" title="{esc(SCAN_HINT)}" aria-label="{esc(SCAN_HINT)}">{SCAN_MARK}</span>'


def citation_card(citation: Citation) -> str:
    """A full-width button for one article: its label (and the scan mark) and the start of its text."""
    return (
        f'<button type="button" class="xf-card" {_open_attrs(citation.unit_id, citation.clause)}>'
        f'<span class="xf-card-title">{esc(citation_label(citation))}</span>{scan_mark(citation.ocr)}'
        f'<span class="xf-card-text">{esc(snippet(citation.quote))}</span></button>'
    )


def _cards(title: str, citations: Sequence[Citation], cls: str = "", folded: bool = False) -> str:
    seen: set[tuple[str | None, int | None]] = set()
    cards = []
    for c in citations:
        if not c.resolved or (c.unit_id, c.clause) in seen:
            continue
        seen.add((c.unit_id, c.clause))
        cards.append(citation_card(c))
    if not cards:
        return ""
    if folded:
        return (
            f'<details class="xf-cites xf-more {cls}"><summary class="xf-h">{esc(title)}（{len(cards)}）</summary>'
            f'<div class="xf-more-body">{"".join(cards)}</div></details>'
        )
    return f'<section class="xf-cites {cls}"><h4 class="xf-h">{esc(title)}</h4>{"".join(cards)}</section>'


def _match(found: Citation, citations: Sequence[Citation]) -> Citation | None:
    """The answer's citation a citation found in the text stands for (same law, article, 款 if given)."""
    key = law_key(found.law)
    best = None
    for c in citations:
        if not c.resolved or c.article != found.article or c.article_suffix != found.article_suffix:
            continue
        ck = law_key(c.law)
        if ck != key and not ck.endswith(key):
            continue
        if c.clause == found.clause:
            return c
        best = best or c
    return best


def linked_text(text: str, citations: Sequence[Citation]) -> str:
    """The answer text escaped, with each citation the answer holds made a tappable link to the article."""
    out: list[str] = []
    pos = 0
    known = {law_key(c.law) for c in citations}
    for found, start, end in find_citations(text, known):
        target = _match(found, citations)
        if target is None:
            continue
        span = text[start:end]
        lead = len(span) - len(span.lstrip("、，,和及与以或至 "))
        out.append(esc(text[pos : start + lead]))
        clause = found.clause if found.clause is not None else target.clause
        out.append(
            f'<a role="button" tabindex="0" class="xf-inline-cite" {_open_attrs(target.unit_id, clause)}>'
            f"{esc(span[lead:])}</a>"
        )
        pos = end
    out.append(esc(text[pos:]))
    joined = "".join(out)
    return "".join(f'<p class="xf-p">{line}</p>' for line in joined.split("\n") if line.strip())


def _notices(notices: Iterable[Notice]) -> str:
    items = []
    for n in notices:
        cls = "xf-note-muted" if n.kind == "followup_rewritten" else "xf-note-warn"
        items.append(f'<li class="{cls}">{esc(n.text)}</li>')
    return f'<ul class="xf-notes">{"".join(items)}</ul>' if items else ""


def _versions(answer: Answer) -> str:
    versions = law_versions(answer)
    if not versions:
        return ""
    scanned = set(scan_laws(answer))
    rows = "".join(
        f'<li><span class="xf-law">《{esc(short_law(title))}》</span>'
        f'<span class="xf-date">{esc(version_text(d))}</span>{scan_mark(title in scanned)}</li>'
        for title, d in versions
    )
    note = f'<p class="xf-scan-note">{esc(SCAN_HINT)}</p>' if scanned else ""
    return f'<section class="xf-versions"><h4 class="xf-h">法规版本</h4><ul>{rows}</ul>{note}</section>'


def _feedback(exchange: Exchange) -> str:
    def button(vote: str, label: str) -> str:
        pressed = "true" if exchange.vote == vote else "false"
        return (
            f'<button type="button" class="xf-vote" data-action="vote" data-turn="{exchange.id}" '
            f'data-vote="{vote}" aria-pressed="{pressed}">{label}</button>'
        )

    thanks = '<span class="xf-thanks">已记录，谢谢反馈</span>' if exchange.vote else ""
    return (
        '<div class="xf-feedback"><span class="xf-feedback-q">这个回答有帮助吗？</span>'
        f'{button("up", ICON_UP + "有帮助")}{button("down", ICON_DOWN + "有问题")}{thanks}</div>'
    )


def answer_body(exchange: Exchange) -> str:
    """The answer part of an exchange: text with linked citations, article cards, versions, disclaimer."""
    answer = exchange.answer
    if answer is None:
        if exchange.draft:
            return (
                f'<div class="xf-answer xf-pending"><div class="xf-text">{text_block(exchange.draft)}</div>'
                '<p class="xf-status">正在生成，引用核对后显示最终回答…</p></div>'
            )
        return '<div class="xf-answer xf-pending"><p class="xf-status">正在检索条文…</p></div>'
    parts: list[str] = []
    if answer.status == "no_basis":
        parts.append('<div class="xf-banner" role="status">未找到明确依据</div>')
    elif answer.status == "invalid":
        parts.append('<div class="xf-banner" role="status">无法回答</div>')
    parts.append(f'<div class="xf-text">{linked_text(answer.text, answer.all_citations)}</div>')
    parts.append(_notices(answer.notices))
    parts.append(_cards("引用条文（点按查看全文）", answer.citations))
    parts.append(_cards("相关条文", answer.related, "xf-related", folded=bool(answer.citations)))
    parts.append(_cards("可能相关的条文（请自行核对是否适用）", answer.possibly_related, "xf-possible"))
    parts.append(_versions(answer))
    parts.append(f'<p class="xf-disclaimer">{esc(answer.disclaimer)}</p>')
    if answer.status != "invalid":
        parts.append(_feedback(exchange))
    cls = "xf-answer" + (" xf-nobasis" if not answer.grounded else "")
    return f'<div class="{cls}">{"".join(p for p in parts if p)}</div>'


def question_bubble(question: str) -> str:
    shown = question if len(question) <= MAX_QUESTION_SHOWN else (
        question[:MAX_QUESTION_SHOWN] + f"…（共{len(question)}字）"
    )
    return f'<div class="xf-q"><div class="xf-bubble">{text_block(shown)}</div></div>'


def welcome_html() -> str:
    return (
        '<div class="xf-welcome"><p class="xf-welcome-title">您好，请输入执法中遇到的法律问题。</p>'
        "<p>回答只依据知识库中的法律条文，每条结论都附有出处；点按出处即可查看条文全文。</p></div>"
    )


def conversation_html(session: ChatSession) -> str:
    if not session.exchanges:
        return f'<div class="xf-conv">{welcome_html()}</div>'
    turns = "".join(
        f'<div class="xf-turn" data-turn="{e.id}">{question_bubble(e.question)}{answer_body(e)}</div>'
        for e in session.exchanges
    )
    return f'<div class="xf-conv">{turns}</div>'


def _article_body(hit: Hit, clause: int | None) -> str:
    unit = hit.unit
    if not unit.clauses:
        text = re.sub(r"^" + re.escape(unit.label) + r"\s*", "", unit.text.strip()) if unit.label else unit.text
        return text_block(text, "xf-clause")
    out = []
    for c in unit.clauses:
        cited = " xf-cited" if clause is not None and c.number == clause else ""
        lines = ([f'<p class="xf-clause-lead">{esc(c.text)}</p>'] if c.text else []) + [
            f'<p class="xf-item">{esc(item.text)}</p>'
            + "".join(f'<p class="xf-subitem">{esc(s)}</p>' for s in item.subitems)
            for item in c.items
        ]
        out.append(f'<div class="xf-clause{cited}" data-clause="{c.number}">{"".join(lines)}</div>')
    return "".join(out)


def article_html(hit: Hit, clause: int | None = None, show_link: bool = True) -> str:
    """One article in full: law title, 编/章/节 path, label, level, version date, validity, text, permalink."""
    meta = hit.document.meta
    path = " › ".join(esc(h) for h in hit.unit.heading_path)
    badges = [esc(meta.level.value), esc(version_text(meta.version_date)), esc(meta.validity.value)]
    if is_superseded(hit.document):
        badges.append("已被新版本取代")
    badge_html = "".join(f'<span class="xf-badge">{b}</span>' for b in badges) + scan_mark(meta.ocr)
    scan_note = f'<p class="xf-scan-note">{esc(SCAN_HINT)}</p>' if meta.ocr else ""
    cited = (
        f'<p class="xf-cited-note">引用的是本条第{int_to_cn(clause)}款（已标出）</p>'
        if clause is not None and any(c.number == clause for c in hit.unit.clauses) and len(hit.unit.clauses) > 1
        else ""
    )
    link = (
        f'<a class="xf-permalink" href="{esc(permalink(hit))}" target="_blank" rel="noopener">{ICON_LINK}本条链接</a>'
        if show_link
        else ""
    )
    return (
        f'<article class="xf-article" data-unit="{esc(hit.unit_id)}">'
        f'<p class="xf-article-law">《{esc(meta.title)}》</p>'
        + (f'<p class="xf-article-path">{path}</p>' if path else "")
        + f'<h3 class="xf-article-label">{esc(hit.unit.label or hit.unit.title)}</h3>'
        f'<div class="xf-badges">{badge_html}</div>{scan_note}{cited}'
        f'<div class="xf-article-body">{_article_body(hit, clause)}</div>'
        f'<div class="xf-article-foot">{link}<p class="xf-disclaimer">仅供学习参考，执法办案请以现行有效的法律文本为准。</p></div>'
        "</article>"
    )


def not_found_html(what: str) -> str:
    return f'<div class="xf-empty">{esc(what)}</div>'


def hit_card(hit: Hit) -> str:
    path = " › ".join(hit.unit.heading_path)
    meta = hit.document.meta
    return (
        f'<button type="button" class="xf-card" {_open_attrs(hit.unit_id)}>'
        f'<span class="xf-card-title">《{esc(short_law(meta.title))}》{esc(hit.unit.label)}</span>'
        + scan_mark(meta.ocr)
        + (f'<span class="xf-card-path">{esc(path)}</span>' if path else "")
        + f'<span class="xf-card-text">{esc(snippet(hit.unit.text, 120))}</span></button>'
    )


def search_html(result: SearchResult | None, query: str = "") -> str:
    if result is None:
        return ""
    if not result.hits:
        return not_found_html(f"没有找到与“{query}”相关的条文。")
    head = (
        f'<p class="xf-result-head">找到 {len(result.hits)} 条相关条文，点按查看全文。</p>'
        if result.grounded
        else '<div class="xf-banner" role="status">未找到明确依据，以下条文可能相关</div>'
    )
    return f'<div class="xf-results">{head}{"".join(hit_card(h) for h in result.hits)}</div>'


def ingest_html(results: Sequence[UploadResult], pending: Sequence[str] = ()) -> str:
    """Per-file outcome of an upload: stored (with what happened) or the reason it was refused."""
    rows = []
    for r in results:
        if r.ok:
            rows.append(
                f'<li class="xf-ok"><span class="xf-file">{esc(r.name)}</span>'
                f'<span class="xf-outcome">✓ {esc(r.summary)}</span></li>'
            )
        else:
            rows.append(
                f'<li class="xf-err"><span class="xf-file">{esc(r.name)}</span>'
                f'<span class="xf-outcome">✗ 未导入：{esc(r.summary)}</span></li>'
            )
    rows += [f'<li class="xf-wait"><span class="xf-file">{esc(n)}</span><span class="xf-outcome">等待处理…</span></li>'
             for n in pending]
    if not rows:
        return ""
    ok = sum(1 for r in results if r.ok)
    failed = len(results) - ok
    head = f'<p class="xf-result-head">已处理 {len(results)} 个文件：成功 {ok} 个，失败 {failed} 个。</p>'
    return f'<div class="xf-ingest">{head}<ul>{"".join(rows)}</ul></div>'
