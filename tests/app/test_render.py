"""HTML rendering: everything from users and documents escaped; citations tappable; no-basis answers plain."""

from __future__ import annotations

import re
from datetime import date

from chat.models import Answer, Notice
from kb.models import Citation, Clause, DocStatus, DocumentMeta, Hit, Item, Level, StoredDocument, Unit
from xuefa.app import render
from xuefa.app.state import ChatSession, Exchange
from xuefa.app.uploads import UploadResult

LAW = "中华人民共和国行政强制法"


def cite(article: int, clause: int | None = None, quote: str = "第二十五条 查封、扣押的期限不得超过三十日。") -> Citation:
    return Citation(
        law=LAW, article=article, clause=clause, unit_id=f"doc-{article:05d}", version_date=date(2011, 6, 30),
        quote=quote,
    )


def answered(text: str, *citations: Citation, **kw: object) -> Exchange:
    answer = Answer(question="q", text=text, grounded=True, citations=citations, **kw)  # type: ignore[arg-type]
    return Exchange(1, "q", answer)


def tags(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


def test_user_text_is_escaped_everywhere() -> None:
    session = ChatSession()
    exchange = session.start('<img src=x onerror=alert(1)>"quoted"&')
    exchange.answer = Answer(
        question="x", text="<script>alert(2)</script>", grounded=False, status="no_basis",
        possibly_related=(cite(25, quote="第二十五条 <b onmouseover=alert(3)>粗</b>"),),
        notices=(Notice("question_truncated", "<i>提示</i>"),),
    )
    html = render.conversation_html(session)
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;quoted&quot;&amp;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(3)&gt;" in html
    assert "&lt;i&gt;提示&lt;/i&gt;" in html
    assert tags(html) <= {"div", "p", "button", "span", "section", "h4", "ul", "li", "a", "svg", "path"}


def test_citations_in_the_text_become_tappable_links_to_their_article() -> None:
    c25, c27 = cite(25, clause=1), cite(27)
    text = f"1. 查封不得超过三十日。（《{LAW}》第二十五条第一款）\n2. 另见{LAW.removeprefix('中华人民共和国')}第27条、第九十九条。"
    html = render.linked_text(text, (c25, c27))
    links = re.findall(r'<a role="button"[^>]*data-unit="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert links == [("doc-00025", f"《{LAW}》第二十五条第一款"), ("doc-00027", "行政强制法第27条")]
    assert 'data-clause="1"' in html
    assert "第九十九条" in html and html.count("<a ") == 2, "a citation the answer does not hold stays text"
    assert html.count('<p class="xf-p">') == 2


def test_an_answer_shows_cards_versions_disclaimer_and_feedback() -> None:
    html = render.answer_body(answered(f"依据《{LAW}》第二十五条：不得超过三十日。", cite(25), related=(cite(27),)))
    assert 'class="xf-card" data-action="open" data-unit="doc-00025"' in html
    assert "《行政强制法》第二十五条" in html
    assert "2011-06-30 版" in html
    assert "仅供学习参考" in html
    assert 'data-action="vote"' in html and 'data-vote="up"' in html and 'data-vote="down"' in html
    assert "未找到明确依据" not in html
    assert re.search(r'<details class="xf-cites xf-more xf-related"><summary[^>]*>相关条文（1）</summary>', html), (
        "related articles are folded under the answer's own citations"
    )


def test_a_no_basis_answer_says_so_and_lists_possibly_related_articles() -> None:
    answer = Answer(question="q", text="知识库中没有找到能回答这个问题的依据。", grounded=False, status="no_basis",
                    possibly_related=(cite(25), cite(27)))
    html = render.answer_body(Exchange(3, "q", answer))
    assert "未找到明确依据" in html
    assert "可能相关的条文" in html
    assert html.count('class="xf-card"') == 2
    assert "xf-nobasis" in html
    assert "仅供学习参考" in html


def test_an_invalid_answer_has_no_feedback_buttons() -> None:
    answer = Answer(question="", text="问题为空", grounded=False, status="invalid")
    html = render.answer_body(Exchange(1, "", answer))
    assert "无法回答" in html and "data-action" not in html


def test_pending_and_streaming_states() -> None:
    assert "正在检索条文" in render.answer_body(Exchange(1, "q"))
    draft = render.answer_body(Exchange(1, "q", draft="<b>部分</b>"))
    assert "&lt;b&gt;部分&lt;/b&gt;" in draft and "正在生成" in draft


def test_long_questions_are_shortened_on_screen() -> None:
    html = render.question_bubble("问" * 10_000)
    assert "（共10000字）" in html and html.count("问") < 700


def stored_hit(text: str, heading: str = "第三章 <i>程序</i>") -> Hit:
    unit = Unit(
        kind="article", number=25, label="第二十五条", text=f"第二十五条 {text}\n第二款文字。",
        heading_path=(heading, "第二节 查封、扣押"),
        clauses=(Clause(1, text), Clause(2, "第二款文字。", (Item(1, "（一）<u>项</u>"),))),
    )
    meta = DocumentMeta(title=LAW, level=Level.LAW, version_date=date(2011, 6, 30))
    doc = StoredDocument("doc1", "行政强制法", meta, "h", DocStatus.ACTIVE, 71)
    return Hit(unit_id="doc1-00024", unit=unit, document=doc, score=1.0)


def test_an_article_shows_law_path_label_level_date_and_permalink_escaped() -> None:
    html = render.article_html(stored_hit("<script>alert(1)</script>期限"), clause=2)
    assert f"《{LAW}》" in html
    assert "第三章 &lt;i&gt;程序&lt;/i&gt; › 第二节 查封、扣押" in html
    assert "第二十五条" in html and "法律" in html and "2011-06-30 版" in html and "现行有效" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;期限" in html
    assert "（一）&lt;u&gt;项&lt;/u&gt;" in html
    assert 'class="xf-clause xf-cited" data-clause="2"' in html
    assert 'href="?law=doc1&amp;article=%E7%AC%AC' in html
    assert "script" not in tags(html) and "i" not in tags(html)


def test_a_superseded_version_is_marked() -> None:
    hit = stored_hit("文字")
    old = StoredDocument("doc0", "行政强制法", hit.document.meta, "h0", DocStatus.SUPERSEDED, 71)
    html = render.article_html(Hit(unit_id="doc0-1", unit=hit.unit, document=old, score=1.0))
    assert "已被新版本取代" in html


def test_ingest_report_lists_each_file() -> None:
    html = render.ingest_html(
        [UploadResult("a<b>.md", True, "《某办法》已新增，3 条"), UploadResult("x.pdf", False, "not a valid PDF")],
        ["c.docx"],
    )
    assert "a&lt;b&gt;.md" in html
    assert "成功 1 个，失败 1 个" in html
    assert "未导入：not a valid PDF" in html
    assert "等待处理" in html
