"""The real corpus in ../shared/corpus: every text parses to MANIFEST's counts and metadata, without hints."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from ingest.manifest import read_manifest
from ingest.sections import han_only
from ingest.structure import parse_document
from ingest.text import LoadedText
from kb.models import ParsedDocument, Unit

_MD_HEADING_RE = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_INFO_END = "<!-- INFO END -->"
_MANIFEST = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "MANIFEST.tsv"


def manifest_rows() -> list[dict[str, str]]:
    if not _MANIFEST.is_file():
        return []
    with _MANIFEST.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def read_markdown(path: Path) -> LoadedText:
    """A minimal Markdown reader, as the loader hands texts over: ``#`` markers and the INFO END comment gone."""
    text = path.read_text(encoding="utf-8")
    text = _MD_HEADING_RE.sub("", text.replace(_INFO_END, ""))
    return LoadedText(path, text, "markdown", title_hint=path.stem)


@cache
def parsed(path: Path) -> ParsedDocument:
    return parse_document(read_markdown(path))


def article(doc: ParsedDocument, label: str) -> Unit:
    return next(u for u in doc.units if u.label == label)


ROWS = manifest_rows()


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_text_matches_manifest(shared_dir: Path, row: dict[str, str]) -> None:
    doc = parsed(shared_dir / "corpus" / row["file"])
    articles = [u for u in doc.units if u.kind == "article"]
    assert len(articles) == int(row["articles"])
    if row["articles"] == "0":
        assert doc.kind == "section" and len(doc.units) >= 5
        assert all(50 <= len(u.text) <= 1500 for u in doc.units)
    else:
        assert doc.units == tuple(articles), "article documents have no loose sections"
        labels = [u.label for u in articles]
        assert len(set(labels)) == len(labels)
    assert [u.ordinal for u in doc.units] == list(range(len(doc.units)))
    meta = doc.meta
    assert meta.title == row["title"]
    assert str(meta.version_date) == row["version_date"]
    assert meta.level.value == row["kind"]
    assert meta.issuing_body == row["issuing_body"]


def test_manifest_has_the_whole_corpus(shared_dir: Path) -> None:
    files = sorted(
        p.relative_to(shared_dir / "corpus").as_posix() for p in (shared_dir / "corpus").rglob("*.md")
    )
    assert sorted(r["file"] for r in ROWS) == [f for f in files if f != "README.md"]
    assert len(ROWS) == 59


def test_markdown_markers_do_not_change_the_result(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "法律" / "行政处罚法(2021-01-22).md"
    raw = parse_document(LoadedText(path, path.read_text(encoding="utf-8"), "markdown", title_hint=path.stem))
    assert raw == parsed(path)


def test_known_clause_and_item_counts(shared_dir: Path) -> None:
    law = parsed(shared_dir / "corpus" / "法律" / "行政处罚法(2021-01-22).md")
    ninth = article(law, "第九条")
    assert len(ninth.clauses) == 1 and len(ninth.clauses[0].items) == 6
    assert ninth.clauses[0].items[5].text == "（六）法律、行政法规规定的其他行政处罚。"
    assert len(article(law, "第五条").clauses) == 3
    assert article(law, "第一条").heading_path == ("第一章 总则",)
    assert article(law, "第八十六条").heading_path == ("第八章 附则",)
    assert article(law, "第五十一条").heading_path == ("第五章 行政处罚的决定", "第二节 简易程序")


def test_subitems_of_real_rules(shared_dir: Path) -> None:
    rules = shared_dir / "corpus" / "部门规章"
    staff = article(parsed(rules / "道路运输从业人员管理规定(2022-11-10).md"), "第十三条")
    items = staff.clauses[0].items
    assert items[0].text == "（一）技术负责人员"
    assert [len(i.subitems) for i in items[:2]] == [2, 2]
    review = parsed(rules / "交通运输行政复议规定(2015-09-09).md")
    with_subitems = [i for u in review.units for c in u.clauses for i in c.items if i.subitems]
    assert [len(i.subitems) for i in with_subitems] == [5]


def test_broken_source_line_is_joined(shared_dir: Path) -> None:
    doc = parsed(shared_dir / "corpus" / "部门规章" / "交通行政许可实施程序规定(2004-11-22).md")
    ninth = article(doc, "第九条")
    assert [c.text[:12] for c in ninth.clauses] == ["申请人可以委托代理人代为", "代理人代为提出申请的，应"]
    assert ninth.clauses[0].text.endswith(
        "交通行政许可申请，但依法应当由申请人到实施机关办公场所提出行政许可申请的除外。"
    )


def test_normative_documents_keep_all_their_text(shared_dir: Path) -> None:
    for path in sorted((shared_dir / "corpus" / "规范性文件").glob("*.md")):
        doc = parsed(path)
        units_text = han_only("".join(u.text for u in doc.units))
        body = path.read_text(encoding="utf-8").split(_INFO_END, 1)[1]
        paragraphs = [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
        missing = [p for p in paragraphs if han_only(p) not in units_text]
        assert missing == [] or all(len(p.strip()) <= 20 for p in missing), missing


def test_normative_sections(shared_dir: Path) -> None:
    doc = parsed(
        shared_dir
        / "corpus"
        / "规范性文件"
        / "国务院办公厅关于全面推行行政执法三项制度的指导意见(2018-12-05).md"
    )
    assert doc.meta.doc_number == "国办发〔2018〕118号"
    labels = [u.label for u in doc.units]
    assert labels[:3] == ["前言", "一、（一）", "一、（二）"]
    assert "六、（二十三）" in labels
    fourth = next(u for u in doc.units if u.label == "二、（四）")
    assert (fourth.title, fourth.heading_path) == ("强化事前公开", ("二、全面推行行政执法公示制度",))
    assert not any(line == "2018年12月5日" for u in doc.units for line in u.text.splitlines())


def test_hints_from_the_manifest(shared_dir: Path) -> None:
    hints = read_manifest(shared_dir / "corpus")
    assert len(hints) == 59
    rel = "行政法规/道路交通安全法实施条例(2017-10-07).md"
    path = shared_dir / "corpus" / rel
    loaded = read_markdown(path)
    doc = parse_document(LoadedText(path.with_name("x.md"), loaded.text, "markdown"), hints[rel])
    assert str(doc.meta.version_date) == "2017-10-07"
    assert doc.meta.source.startswith("LawRefBook/Laws@2f4c5c2:")


@pytest.mark.parametrize(
    ("binary", "markdown"),
    [
        ("行政处罚法(2021-01-22).pdf", "法律/行政处罚法(2021-01-22).md"),
        ("道路运输条例(2023-07-20).pdf", "行政法规/道路运输条例(2023-07-20).md"),
        ("道路运输条例(2023-07-20).docx", "行政法规/道路运输条例(2023-07-20).md"),
    ],
)
def test_renderings_parse_like_the_markdown(shared_dir: Path, binary: str, markdown: str) -> None:
    loaders = pytest.importorskip("ingest.loaders")
    settings = pytest.importorskip("ingest.settings").IngestSettings()
    rendered = parse_document(loaders.load_file(shared_dir / "corpus" / "binary" / binary, settings))
    source = parsed(shared_dir / "corpus" / markdown)
    assert rendered.units == source.units
    assert (
        rendered.meta.title,
        rendered.meta.level,
        rendered.meta.issuing_body,
        rendered.meta.version_date,
    ) == (
        source.meta.title,
        source.meta.level,
        source.meta.issuing_body,
        source.meta.version_date,
    )
    assert rendered.meta.history == source.meta.history
