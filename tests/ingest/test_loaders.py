"""File loaders: dispatch, checks, encodings, Markdown, DOCX, HTML and bad PDFs (real files in tmp dirs)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.benchmarks import SPREADSHEETS
from ingest.errors import IngestError
from ingest.loaders import LOADERS, load_file
from ingest.loaders.html import html_lines, sniff_charset
from ingest.loaders.pdf import useful_title
from ingest.loaders.plain import decode_bytes, markdown_lines
from ingest.settings import IngestSettings
from tests.ingest.make_files import (
    NO_CJK_FONT,
    body_paragraphs,
    find_cjk_font,
    make_corrupt_docx,
    make_docx,
    make_encrypted_pdf,
    make_garbage_pdf,
    make_gov_pdf,
    make_html,
    make_scan_pdf,
    make_truncated_pdf,
    reproduced,
    write_text,
)

SETTINGS = IngestSettings()
LAW_TEXT = "中华人民共和国测试法\n第一章　　总则\n第一条　为了规范测试，制定本法。\n（一）客运；\n"


def test_registry_covers_the_ingested_extensions() -> None:
    # workbooks are discretion benchmarks, read by ingest.benchmarks through the pipeline, not by a text loader
    assert set(SETTINGS.extensions) - SPREADSHEETS <= set(LOADERS)
    assert all(suffix.startswith(".") and suffix == suffix.lower() for suffix in LOADERS)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    loaded = load_file(write_text(tmp_path / "LAW.TXT", LAW_TEXT, "utf-8"), SETTINGS)
    assert loaded.format == "text"


# ---------------------------------------------------------------- bad inputs


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return build


def _missing(folder: Path) -> Path:
    return folder / "nowhere.txt"


def _directory(folder: Path) -> Path:
    path = folder / "folder.txt"
    path.mkdir()
    return path


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("unknown type", _write("table.xlsx", b"PK\x03\x04"), "unsupported file type '.xlsx'"),
    ("no suffix", _write("README", b"text"), "unsupported file type without a file ending"),
    ("old word", _write("law.doc", b"\xd0\xcf\x11\xe0"), "save it as .docx"),
    ("missing", _missing, "file not found"),
    ("directory", _directory, "not a regular file"),
    ("empty txt", _write("empty.txt", b""), "empty file (0 bytes)"),
    ("empty pdf", _write("empty.pdf", b""), "empty file (0 bytes)"),
    ("blank txt", _write("blank.txt", " \r\n\u3000\n".encode()), "empty: no text"),
    ("blank md", _write("blank.md", b"<!-- INFO END -->\n\n#\n"), "empty: no text"),
    ("blank html", _write("blank.html", b"<html><script>x()</script></html>"), "empty: no text"),
    (
        "undecodable",
        _write("noise.txt", bytes([0x80, 0xFF, 0x81]) * 50),
        "cannot decode text: not UTF-8, GB18030",
    ),
    ("random bytes", _write("random.md", random.Random(7).randbytes(4000)), "cannot decode text"),
    ("binary", _write("binary.txt", b"abc\x00\x01\x02" * 50), "cannot decode text"),
    ("bad utf-16", _write("bom.txt", b"\xff\xfe\xff\x80\x80" * 50), "cannot decode text"),
    ("garbage pdf", lambda d: make_garbage_pdf(d / "garbage.pdf"), "not a valid PDF (corrupt or truncated)"),
    ("text as pdf", _write("fake.pdf", "第一条 不是PDF".encode()), "not a valid PDF"),
    ("corrupt docx", lambda d: make_corrupt_docx(d / "corrupt.docx"), "not a valid DOCX"),
    ("text as docx", _write("fake.docx", b"plain text"), "not a valid DOCX"),
    (
        "scan",
        lambda d: make_scan_pdf(d / "scan.pdf"),
        "PDF has no text layer (scanned image?), and OCR recognised no text in its pages",
    ),
]


@pytest.mark.parametrize(("case", "build", "fragment"), BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS])
def test_bad_inputs_raise_ingest_error(
    case: str, build: Callable[[Path], Path], fragment: str, tmp_path: Path
) -> None:
    path = build(tmp_path)
    with pytest.raises(IngestError) as raised:
        load_file(path, SETTINGS)
    assert fragment in raised.value.reason
    assert raised.value.path == path
    assert str(path) in str(raised.value)


def test_oversize_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_text(tmp_path / "big.txt", "第一条 内容。\n" * 2000, "utf-8")
    settings = IngestSettings(max_file_mb=0.01)

    def must_not_read(*_: object) -> None:
        raise AssertionError("the loader ran")

    monkeypatch.setitem(LOADERS, ".txt", must_not_read)
    with pytest.raises(IngestError, match=r"file too large: 39 KB, the limit is 10 KB"):
        load_file(path, settings)


def test_file_at_the_size_limit_loads(tmp_path: Path) -> None:
    path = write_text(tmp_path / "ok.txt", LAW_TEXT, "utf-8")
    assert load_file(path, IngestSettings(max_file_mb=path.stat().st_size / 1024 / 1024)).text


# ---------------------------------------------------------------- plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312", "utf-16"])
def test_text_encodings_are_detected(encoding: str, tmp_path: Path) -> None:
    loaded = load_file(write_text(tmp_path / "law.txt", LAW_TEXT, encoding), SETTINGS)
    assert loaded.text == "中华人民共和国测试法\n第一章 总则\n第一条 为了规范测试，制定本法。\n（一）客运；"
    assert loaded.title_hint == "中华人民共和国测试法"


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    text = "第一条 姓名用字“𠮷”与“䶮”均应如实登记。"  # not in GBK: 4-byte GB18030 sequences
    loaded = load_file(write_text(tmp_path / "rare.txt", text, "gb18030"), SETTINGS)
    assert loaded.text == text


def test_big5_falls_back_to_detection() -> None:
    text = "第一條 為了規範道路運輸市場秩序，保障道路運輸安全，制定本條例。" * 3
    assert decode_bytes(text.encode("big5")) == text


def test_text_normalisation(tmp_path: Path) -> None:
    raw = "\ufeff　　第一章\u3000\u3000总　则\u3000\r\n\r\n　　第一条\u3000为了规范。\u00a0\r\n\t（一）客运；\u3000\r\n"
    loaded = load_file(write_text(tmp_path / "crlf.txt", raw, "utf-8"), SETTINGS)
    assert loaded.text == "第一章 总 则\n第一条 为了规范。\n（一）客运；"


def test_text_title_hint_only_for_a_title_like_first_line(tmp_path: Path) -> None:
    loaded = load_file(write_text(tmp_path / "a.txt", "第一条 为了规范，制定本法。", "utf-8"), SETTINGS)
    assert loaded.title_hint == ""


# ---------------------------------------------------------------- markdown


MARKDOWN = """# 中华人民共和国测试法

1996年3月17日 第八届全国人民代表大会第四次会议通过

<!-- INFO END -->

## 第一章　总则

### 第一节 一般规定

第一条 为了**规范**测试，制定本法。

<!--
多行注释
-->
第二条 *强调*的文字与 __加粗__ 文字。 ##

（一）客运；
"""


def test_markdown_markers_are_stripped(tmp_path: Path) -> None:
    loaded = load_file(write_text(tmp_path / "law.md", MARKDOWN, "utf-8"), SETTINGS)
    assert loaded.format == "markdown"
    assert loaded.title_hint == "中华人民共和国测试法"
    assert loaded.text.split("\n") == [
        "中华人民共和国测试法",
        "1996年3月17日 第八届全国人民代表大会第四次会议通过",
        "第一章 总则",
        "第一节 一般规定",
        "第一条 为了规范测试，制定本法。",
        "第二条 强调的文字与 加粗 文字。 ##",
        "（一）客运；",
    ]


def test_markdown_in_gbk_and_markdown_suffix(tmp_path: Path) -> None:
    loaded = load_file(write_text(tmp_path / "law.markdown", MARKDOWN, "gbk"), SETTINGS)
    assert loaded.title_hint == "中华人民共和国测试法"


def test_markdown_lines_keep_a_multiplication_star() -> None:
    lines, title = markdown_lines("## 标题 ##\n面积 3 * 4 平方米")
    assert lines == ["标题", "面积 3 * 4 平方米"]
    assert title == ""


def test_corpus_markdown_round_trips(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "法律" / "行政处罚法(2021-01-22).md"
    loaded = load_file(path, SETTINGS)
    truth = body_paragraphs(path.read_text(encoding="utf-8"))
    assert loaded.text.split("\n")[-len(truth) :] == truth
    assert loaded.title_hint == "中华人民共和国行政处罚法"


# ---------------------------------------------------------------- docx


def test_docx_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    loaded = load_file(make_docx(tmp_path / "law.docx"), SETTINGS)
    assert loaded.format == "docx"
    assert loaded.title_hint == "测试运输条例"
    assert loaded.text.split("\n") == [
        "测试运输条例",
        "第一章 总 则",
        "第一节 一般规定",
        "第一条 为了规范测试，制定本条例。",
        "第二条 本条例适用于下列情形：",
        "（一）客运；",
        "（二）货运。",
        "违法行为\t依据\t罚款",
        "超限运输\t第六十四条",
        "第三条 本条例自公布之日起施行。",
        "（附注）",
        "第四条 内容控件中的条文。",
    ]


def test_corpus_docx_body_paragraphs_are_reproduced_exactly(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    truth = body_paragraphs((corpus / "行政法规" / "道路运输条例(2023-07-20).md").read_text(encoding="utf-8"))
    loaded = load_file(corpus / "binary" / "道路运输条例(2023-07-20).docx", SETTINGS)
    matched, missing = reproduced(truth, loaded.text)
    assert (matched, missing) == (len(truth), []), f"{matched}/{len(truth)} paragraphs reproduced"
    assert loaded.text.split("\n")[-len(truth) :] == truth
    assert loaded.title_hint == "中华人民共和国道路运输条例"


# ---------------------------------------------------------------- html


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_html_with_gbk_meta_charset(encoding: str, tmp_path: Path) -> None:
    loaded = load_file(make_html(tmp_path / "page.html", encoding), SETTINGS)
    assert loaded.format == "html"
    assert loaded.title_hint == "测试运输条例_政府网"
    assert loaded.text.split("\n") == [
        "测试运输条例",
        "第一条 为了规范道路运输测试活动，制定本条例。",
        "第二条 道路运输管理，应当公平、公正。",
        "（一）客运；",
        "（二）货运。",
        "违法行为\t罚款",
        "超限运输\t5000元",
        "Road transport regulation applies.",
    ]
    for leak in ("脚本", "leaked", "color", "导航", "网站首页", "版权所有", "注释"):
        assert leak not in loaded.text


def test_html_utf8_without_meta_and_h1_title(tmp_path: Path) -> None:
    page = "<html><body><h1>测试法</h1><p>第一条 内容。</p><pre>第二条 甲\n第三条 乙</pre></body></html>"
    loaded = load_file(write_text(tmp_path / "page.htm", page, "utf-8"), SETTINGS)
    assert loaded.title_hint == "测试法"
    assert loaded.text == "测试法\n第一条 内容。\n第二条 甲\n第三条 乙"


def test_html_wrong_meta_charset_falls_back_to_detection(tmp_path: Path) -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>第一条 内容。</p></body></html>'
    loaded = load_file(write_text(tmp_path / "page.html", page, "gbk"), SETTINGS)
    assert loaded.text == "第一条 内容。"


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<meta charset="GB2312">', "gb18030"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=gbk'>", "gb18030"),
        (b'<meta charset="utf-8">', "utf-8"),
        (b'<meta charset="no-such-codec">', None),
        (b"<p>charset=gbk</p>", None),
    ],
)
def test_sniff_charset(head: bytes, codec: str | None) -> None:
    assert sniff_charset(b"<html><head>" + head + b"</head></html>") == codec


def test_html_lines_without_body() -> None:
    lines, title = html_lines("<p>第一条 甲。</p><p>第二条 乙。</p>")
    assert lines == ["第一条 甲。", "第二条 乙。"]
    assert title == ""


# ---------------------------------------------------------------- pdf


@pytest.fixture(scope="module")
def text_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if find_cjk_font() is None:
        pytest.skip(NO_CJK_FONT)
    return make_gov_pdf(tmp_path_factory.mktemp("pdf") / "source.pdf")


def test_pdf_with_a_user_password_is_refused(text_pdf: Path, tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "locked.pdf", text_pdf)
    with pytest.raises(IngestError, match="encrypted PDF: a password is needed"):
        load_file(path, SETTINGS)


def test_pdf_with_only_an_owner_password_opens(text_pdf: Path, tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "owner.pdf", text_pdf, user_password="")
    assert load_file(path, SETTINGS).text == load_file(text_pdf, SETTINGS).text


@pytest.mark.parametrize("keep", [0.05, 0.3, 0.7, 0.98])
def test_truncated_pdf_is_refused(text_pdf: Path, tmp_path: Path, keep: float) -> None:
    path = make_truncated_pdf(tmp_path / "cut.pdf", text_pdf, keep)
    with pytest.raises(IngestError, match=r"not a valid PDF \(corrupt or truncated\)"):
        load_file(path, SETTINGS)


def test_min_text_chars_per_page_decides_ocr(text_pdf: Path) -> None:
    with pytest.raises(IngestError, match="no text layer"):  # taken for a scan: OCR finds no image to read
        load_file(text_pdf, IngestSettings(min_text_chars_per_page=10_000))


def test_pdf_file_name_metadata_title_is_ignored(text_pdf: Path, tmp_path: Path) -> None:
    path = make_gov_pdf(tmp_path / "word.pdf", title="Microsoft Word - 文档1.docx")
    assert load_file(path, SETTINGS).title_hint == "中华人民共和国测试运输条例"


@pytest.mark.parametrize(
    ("title", "useful"),
    [
        ("中华人民共和国行政处罚法", True),
        ("Microsoft Word - 行政处罚法.docx", False),
        ("行政处罚法.pdf", False),
        ("untitled", False),
        ("Document1", False),
        ("", False),
    ],
)
def test_useful_pdf_title(title: str, useful: bool) -> None:
    assert useful_title(title) is useful
