"""Paragraph rebuilding from printed lines: pure functions, generated PDFs, the shared corpus PDFs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.loaders import load_file
from ingest.loaders.pdf import load_pdf
from ingest.loaders.reflow import (
    Layout,
    Line,
    clean_line,
    display_width,
    drop_page_furniture,
    ends_sentence,
    infer_layout,
    is_heading_line,
    is_page_number,
    join_lines,
    measure,
    opens_unit,
    rebuild,
    reflow,
    render,
    starts_paragraph,
)
from ingest.settings import IngestSettings
from tests.ingest.make_files import (
    GOV_LAW,
    NO_CJK_FONT,
    Para,
    PdfStyle,
    body_paragraphs,
    find_cjk_font,
    make_gov_pdf,
    raw_pdf_lines,
    reproduced,
)

SETTINGS = IngestSettings()
TEXTUAL = Layout(full_width=20.0, indented_paragraphs=False)
INDENTED = Layout(full_width=20.0, indented_paragraphs=True)


def texts(groups: list[list[Line]]) -> list[str]:
    return [join_lines([line.text for line in group]) for group in groups]


# ---------------------------------------------------------------- line signals


@pytest.mark.parametrize(
    "text", ["— 3 —", "- 3 -", "—3—", "－ 12 －", "– 7 –", "第 2 页", "第2页 共10页", "3 / 10"]
)
def test_page_number_lines_are_recognised(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["第三条 — 见下", "— 第一章 —", "2021年", "（3）", "第一条"])
def test_text_lines_are_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


@pytest.mark.parametrize(
    ("text", "opens"),
    [
        ("第三条 行政处罚的设定和实施，适用本法。", True),
        ("第十条之一 有下列情形之一的", True),
        ("第三十八条规定条件的相关材料。", False),  # a wrapped cross-reference, not a heading
        ("第三十八条的规定办理。", False),
        ("（一）警告、通报批评；", True),
        ("一、总体要求", True),
        ("1. 目的", True),
        ("第一章 总则", True),
        ("2021年1月22日 第十三届全国人民代表大会常务委员会修订", True),
        ("，不得作为行政处罚的依据。", False),
        ("行政机关应当依法实施。", False),
    ],
)
def test_opens_unit(text: str, opens: bool) -> None:
    assert opens_unit(text) is opens


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("第一章 总则", True),
        ("第二节 货 运", True),
        ("第一编 总则", True),
        ("第三章规定的处罚，依照本法。", False),
    ],
)
def test_heading_lines(text: str, heading: bool) -> None:
    assert is_heading_line(text) is heading


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("制定本法。", True),
        ("下列条件：", True),
        ("车辆；", True),
        ("他说：“可以。”", True),
        ("应当", False),
        ("（试行）", False),
    ],
)
def test_ends_sentence(text: str, ends: bool) -> None:
    assert ends_sentence(text) is ends


def test_display_width_counts_cjk_and_quotes_full_latin_half() -> None:
    assert display_width("第一条") == 3
    assert display_width("“二日”") == 4
    assert display_width("2021年") == 3


def test_clean_line_trims_and_collapses_spaces_but_keeps_tabs() -> None:
    assert clean_line("\u3000\u3000第一章\u3000\u3000总则\u00a0 ") == "第一章 总则"
    assert clean_line("a\u200bb\tc") == "ab\tc"


def test_join_lines_puts_a_space_only_between_latin_words() -> None:
    assert join_lines(["道路运输", "管理"]) == "道路运输管理"
    assert join_lines(["Road", "transport"]) == "Road transport"
    assert join_lines(["共20", "日"]) == "共20日"


# ---------------------------------------------------------------- paragraph decisions


@pytest.mark.parametrize(
    ("prev", "cur", "starts"),
    [
        ("公民、法人或者其他组织违反行政管理秩序的", "第三十八条规定的程序实施。", False),
        ("对违法行为给予行政处罚的规定必须公布；未经公布的", "，不得作为行政处罚的依据。", False),
        ("应当给予行政处罚的，依照本法由法律规定。", "第五条 行政处罚遵循公正、公开的原则。", True),
        ("行政处罚的种类：", "（一）警告、通报批评；", True),
        ("第一章 总则", "第一条 为了规范行政处罚的设定和实施", True),
        ("短行。", "下一段的文字内容在这里开始继续写下去", True),
        ("行政处罚的设定和实施，适用本法和相关的", "第一章 总则", False),
    ],
)
def test_starts_paragraph_by_text(prev: str, cur: str, starts: bool) -> None:
    assert starts_paragraph(Line(prev), Line(cur), TEXTUAL) is starts


def test_indentation_decides_where_text_cannot() -> None:
    full_with_stop = Line("行政处罚由违法行为发生地的行政机关管辖。", indent=0.0, reach=20.0)
    continuation = Line("法律、行政法规另有规定的，从其规定。", indent=0.0, reach=18.0)
    new_clause = Line("违法行为构成犯罪的，依法追究刑事责任。", indent=2.0, reach=20.0)
    assert not starts_paragraph(full_with_stop, continuation, INDENTED)
    assert starts_paragraph(full_with_stop, new_clause, INDENTED)
    # without layout the text alone takes a full line ending in 。 as the end of a paragraph
    assert starts_paragraph(
        replace(full_with_stop, indent=None, reach=None), Line(continuation.text), TEXTUAL
    )


def test_unindented_line_after_a_short_line_starts_a_paragraph() -> None:
    short = Line("2009年8月27日 修正", indent=0.0, reach=9.0)
    nxt = Line("2017年9月1日 第二次修正", indent=0.0, reach=12.0)
    assert starts_paragraph(short, nxt, INDENTED)


def test_a_wrapped_centred_line_is_joined() -> None:
    full = Line("2009年8月27日 第十一届全国人大常委会《关于修", indent=0.0, reach=20.0)
    centred = Line("改部分法律的决定》第一次修正", indent=6.0, reach=14.0)
    assert not starts_paragraph(full, centred, INDENTED)


def test_reflow_rebuilds_paragraphs_from_text_alone() -> None:
    lines = [
        Line(t)
        for t in [
            "第一章 总则",
            "第一条 为了规范道路运输市场秩序，保障道",
            "路运输安全，制定本条例。",
            "第二条 申请从事客运经营的，应当提交符合",
            "第三十八条规定条件的相关材料，并具备下",
            "列条件：",
            "（一）有合格的车辆；",
            "（二）有合格的驾驶人员",
            "，以及管理制度。",
        ]
    ]
    assert texts(reflow(lines, TEXTUAL)) == [
        "第一章 总则",
        "第一条 为了规范道路运输市场秩序，保障道路运输安全，制定本条例。",
        "第二条 申请从事客运经营的，应当提交符合第三十八条规定条件的相关材料，并具备下列条件：",
        "（一）有合格的车辆；",
        "（二）有合格的驾驶人员，以及管理制度。",
    ]


def test_infer_layout_finds_first_line_indentation() -> None:
    lines = [Line("第一条 甲乙丙", indent=2.0), Line("丁戊己庚", indent=0.0)] * 5
    assert infer_layout(lines).indented_paragraphs
    assert not infer_layout([replace(line, indent=0.0) for line in lines]).indented_paragraphs
    hanging = [Line("第一条 甲乙丙", indent=0.0), Line("丁戊己庚", indent=2.0)] * 5
    assert not infer_layout(hanging).indented_paragraphs


def test_measure_derives_indent_reach_and_gaps_from_positions() -> None:
    lines = [
        Line("第一章 总则", page=0, x=130.0, y=700.0, size=10.0),
        Line("第一条 甲乙丙丁", page=0, x=70.0, y=670.0, size=10.0),
        Line("戊己庚辛", page=0, x=50.0, y=655.0, size=10.0),
        Line("第二条 甲乙", page=1, x=70.0, y=700.0, size=10.0),
        Line("丙丁", page=1, x=50.0, y=685.0, size=10.0),
    ]
    measured = measure(lines)
    assert [line.indent for line in measured] == [8.0, 2.0, 0.0, 2.0, 0.0]
    assert measured[1].reach == pytest.approx(2.0 + 7.5)
    assert [line.gap_before for line in measured] == [False, True, False, False, False]


def test_a_page_of_indented_lines_keeps_the_usual_margin() -> None:
    lines = []
    for page in range(3):
        xs = [70.0, 70.0, 70.0] if page == 1 else [70.0, 50.0, 70.0]
        lines += [
            Line(f"（{page}）甲乙丙", page=page, x=x, y=700.0 - 15 * i, size=10.0) for i, x in enumerate(xs)
        ]
    assert [line.indent for line in measure(lines)] == [2.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0, 0.0, 2.0]


def test_drop_page_furniture_removes_numbers_and_running_heads() -> None:
    lines = []
    for page in range(4):
        lines += [
            Line("中华人民共和国测试法", page=page),
            Line(f"正文第{page}页的内容", page=page),
            Line(f"— {page + 1} —" if page % 2 else str(page + 1), page=page),
        ]
    assert [line.text for line in drop_page_furniture(lines)] == [f"正文第{p}页的内容" for p in range(4)]


def test_render_records_where_each_page_begins() -> None:
    groups = [
        [Line("第一条 甲乙", page=0), Line("丙丁。", page=1)],
        [Line("第二条 戊己。", page=1)],
    ]
    text, starts = render(groups, page_count=3)
    assert text == "第一条 甲乙丙丁。\n第二条 戊己。"
    assert starts == (0, text.index("丙丁"), len(text))


def test_rebuild_cleans_and_skips_blank_lines() -> None:
    lines = [Line("— 1 —"), Line("  第一条\u3000甲乙。 "), Line("   "), Line("第二条 丙丁。")]
    text, starts = rebuild(lines, page_count=1)
    assert text == "第一条 甲乙。\n第二条 丙丁。"
    assert starts == (0,)


# ---------------------------------------------------------------- generated PDFs


@pytest.fixture(scope="module")
def cjk_font() -> tuple[Path, int]:
    font = find_cjk_font()
    if font is None:
        pytest.skip(NO_CJK_FONT)
    return font


@pytest.fixture(scope="module")
def gov_pdf(cjk_font: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gov_pdf(tmp_path_factory.mktemp("pdf") / "测试运输条例.pdf", title="测试运输条例")


def test_gov_pdf_fixture_has_the_hard_cases(gov_pdf: Path) -> None:
    raw = raw_pdf_lines(gov_pdf)
    assert any(line.startswith("，") for line in raw)
    assert any(line.startswith("第三十八条规定") for line in raw)
    assert sum(is_page_number(line) for line in raw) == 3
    assert "第七条 本条例由国务院交通部门解释。" in raw  # a full line ending 。 mid-paragraph


def test_gov_pdf_paragraphs_are_rebuilt_exactly(gov_pdf: Path) -> None:
    loaded = load_file(gov_pdf, SETTINGS)
    assert loaded.format == "pdf"
    assert loaded.text.split("\n") == [para.text for para in GOV_LAW]
    assert loaded.title_hint == "测试运输条例"


def test_gov_pdf_page_starts_point_at_each_page(gov_pdf: Path) -> None:
    loaded = load_file(gov_pdf, SETTINGS)
    assert len(loaded.page_starts) == 3
    assert loaded.page_starts[0] == 0
    assert loaded.text[loaded.page_starts[2] :].startswith("门，应当自受理申请之日起20日内")
    assert loaded.page_starts == tuple(sorted(loaded.page_starts))


def test_block_paragraph_pdf_without_indent_is_rebuilt_from_text(
    cjk_font: tuple[Path, int], tmp_path: Path
) -> None:
    path = make_gov_pdf(tmp_path / "block.pdf", style=PdfStyle(indent_chars=0))
    assert load_pdf(path, SETTINGS).text.split("\n") == [para.text for para in GOV_LAW]


def test_a_wide_measure_and_repeated_lines_at_page_ends(cjk_font: tuple[Path, int], tmp_path: Path) -> None:
    paras = [Para("第一章 总则", "center")] + [
        Para(f"第{n}条 本条规定第{n}项事项，有关部门应当依照本条例第三十八条规定办理，不得拖延。")
        for n in "一二三四五六七八九十"
    ]
    path = make_gov_pdf(tmp_path / "wide.pdf", paras, PdfStyle(chars_per_line=28, lines_per_page=7))
    loaded = load_pdf(path, SETTINGS)
    assert loaded.text.split("\n") == [para.text for para in paras]
    assert len(loaded.page_starts) == 3


# ---------------------------------------------------------------- the shared corpus (CI only)

CORPUS_PDFS = [
    ("行政处罚法(2021-01-22).pdf", "法律/行政处罚法(2021-01-22).md"),
    ("道路运输条例(2023-07-20).pdf", "行政法规/道路运输条例(2023-07-20).md"),
]


@pytest.mark.parametrize(("pdf", "markdown"), CORPUS_PDFS)
def test_corpus_pdf_body_paragraphs_are_reproduced_exactly(shared_dir: Path, pdf: str, markdown: str) -> None:
    corpus = shared_dir / "corpus"
    truth = body_paragraphs((corpus / markdown).read_text(encoding="utf-8"))
    loaded = load_file(corpus / "binary" / pdf, SETTINGS)
    matched, missing = reproduced(truth, loaded.text)
    assert (matched, missing) == (len(truth), []), f"{matched}/{len(truth)} paragraphs reproduced"
    assert loaded.text.split("\n")[-len(truth) :] == truth
    assert loaded.title_hint.startswith("中华人民共和国")


@pytest.mark.parametrize(("pdf", "markdown"), CORPUS_PDFS)
def test_corpus_pdf_page_starts(shared_dir: Path, pdf: str, markdown: str) -> None:
    path = shared_dir / "corpus" / "binary" / pdf
    loaded = load_file(path, SETTINGS)
    raw = [page.split("\n") for page in _raw_pages(path)]
    assert len(loaded.page_starts) == len(raw)
    for start, page_lines in zip(loaded.page_starts, raw, strict=True):
        first = next(clean_line(x) for x in page_lines if clean_line(x) and not is_page_number(clean_line(x)))
        assert loaded.text[start:].startswith(first)


def _raw_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_corpus_scan_is_read_by_ocr(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "binary" / "行政处罚法-扫描件-无文字层.pdf"
    loaded = load_file(path, SETTINGS)
    assert loaded.ocr_pages == 2
    assert "\n第一章 总则\n第一条 为了规范行政处罚的设定和实施，" in loaded.text
    assert "\n第九条 行政处罚的种类：\n（一）" in loaded.text
