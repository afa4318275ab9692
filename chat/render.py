"""Plain-text renderings of answers and citations for the CLI (the UI may reuse them).

The only place in the engine that turns answer data into text for people; no HTML here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chat.models import Answer
from kb.coverage import CoverageGap, GapKind, gap_to_json
from kb.models import Citation
from kb.numbers import article_label, int_to_cn

SCAN_MARK = "扫描件识别"
"""The mark of an article whose stored text was recognised from a scan or photo (``Citation.ocr``)."""
SCAN_HINT = "标有「扫描件识别」的条文由扫描件或照片文字识别得到，个别字词可能识别有误，请以原件为准核对。"


def law_title(citation: Citation) -> str:
    """The law's title without 《》."""
    return citation.law.strip().removeprefix("《").removesuffix("》")


def article_text(citation: Citation) -> str:
    """``第三十三条`` (or ``第十条之一``; a section's label for article-less documents)."""
    if citation.article is not None:
        return article_label(citation.article, citation.article_suffix)
    return citation.section_label


def render_citation(citation: Citation) -> str:
    """《中华人民共和国行政处罚法》第三十三条第一款 (第N项 too when the citation names an item)."""
    out = f"《{law_title(citation)}》{article_text(citation)}"
    if citation.clause is not None:
        out += f"第{int_to_cn(citation.clause)}款"
    if citation.item is not None:
        out += f"第{int_to_cn(citation.item)}项"
    return out


def render_cited(citation: Citation) -> str:
    """``render_citation`` with the 「扫描件识别」 mark when the article's text came from a scan."""
    return render_citation(citation) + (f"（{SCAN_MARK}）" if citation.ocr else "")


def scan_laws(answer: Answer) -> list[str]:
    """The titles, once each, of the laws the answer shows whose text was recognised from a scan."""
    return list(dict.fromkeys(law_title(c) for c in answer.all_citations if c.ocr and c.resolved))


def render_version_date(value: date | None) -> str:
    return value.isoformat() if value else "未注明"


def law_versions(answer: Answer) -> list[tuple[str, date | None]]:
    """Each law the answer shows, once, with the version date of the stored text."""
    seen: dict[str, date | None] = {}
    for c in answer.all_citations:
        seen.setdefault(law_title(c), c.version_date)
    return list(seen.items())


def render_answer_text(answer: Answer) -> str:
    """The whole answer as plain text: conclusion, related articles, law versions, notices, disclaimer.

    An article read from a scan carries the 「扫描件识别」 mark, and the notices say to check the original."""
    parts = [answer.text.strip()]
    if answer.related:
        parts.append("相关条文：\n" + "\n".join(f"- {render_cited(c)}" for c in answer.related))
    if answer.possibly_related:
        parts.append(
            "可能相关的条文：\n" + "\n".join(f"- {render_cited(c)}" for c in answer.possibly_related)
        )
    versions = law_versions(answer)
    scanned = set(scan_laws(answer))
    if versions:
        parts.append(
            "法规版本：\n"
            + "\n".join(f"- 《{title}》（版本日期：{render_version_date(d)}"
                        + (f"；{SCAN_MARK}" if title in scanned else "") + "）" for title, d in versions)
        )
    notices = [n.text for n in answer.notices]
    if scanned:
        cited = [render_cited(c) for c in answer.citations if c.ocr and c.resolved]
        notices.append((f"引用的{'、'.join(dict.fromkeys(cited))}：" if cited else "") + SCAN_HINT)
    if notices:
        parts.append("提示：\n" + "\n".join(f"- {text}" for text in notices))
    parts.append(answer.disclaimer)
    return "\n\n".join(p for p in parts if p)


def lacking_text(gap: CoverageGap) -> str:
    """The notice of a document the question's field rests on that the knowledge base lacks or holds old."""
    document = gap.document
    version = f"，{document.version_date.isoformat()}版" if document.version_date else ""
    if gap.kind is GapKind.OLDER and gap.held_version:
        return (f"知识库中的《{document.title}》是{gap.held_version.isoformat()}版，现行为"
                f"{document.version_date.isoformat() if document.version_date else '更新的'}版，回答可能已过时；"
                "请管理员导入现行版本。")
    return (f"这个问题涉及《{document.title}》（{document.level.value}{version}），知识库中没有这部文件，"
            "回答可能不完整；请管理员导入。")


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """``{"answer", "grounded", "citations": [{"law", "article", "text", "ocr"}], "lacking": [{"title", "level",
    "kind", "version_date", "held_version"}]}`` for ``xuefa ask --json``.

    Citations are the answer's and the related ones, each article once, only ones the knowledge base
    holds; ``text`` is the stored article text, ``ocr`` true when that text was recognised from a scan.
    """
    citations: list[dict[str, str | bool]] = []
    seen: set[str] = set()
    for c in answer.citations + answer.related:
        if not c.resolved or c.unit_id in seen:
            continue
        seen.add(c.unit_id or "")
        citations.append({"law": law_title(c), "article": article_text(c), "text": c.quote, "ocr": c.ocr})
    return {"answer": render_answer_text(answer), "grounded": answer.grounded, "citations": citations,
            "lacking": [gap_to_json(g) for g in answer.lacking]}
