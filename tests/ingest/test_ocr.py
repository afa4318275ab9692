"""OCR of scans and photos (issue 12): page images rendered here from law text with a CJK font, read by
the real recogniser (rapidocr, models inside its wheel), parsed and stored in a real knowledge base."""

from __future__ import annotations

import io
import random
from difflib import SequenceMatcher
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ingest.errors import FileRefused, IngestError
from ingest.loaders import load_file
from ingest.loaders.ocr import Box, mend, page_lines
from ingest.pipeline import ingest_file
from ingest.settings import IngestSettings
from kb.base import KnowledgeBase
from kb.models import Unit
from kb.settings import KBSettings
from tests.ingest import hostile_files as hostile
from tests.ingest.make_files import find_cjk_font

pytest.importorskip("rapidocr_onnxruntime")
FONT = find_cjk_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font (scripts/system-deps.sh installs fonts-wqy-zenhei)")
SETTINGS = IngestSettings()

TITLE = "测试道路运输条例"
PAGE_ONE = [
    ("title", TITLE),
    ("heading", "第一章 总则"),
    ("body", "第一条 为了规范道路运输经营活动，维护道路运输市场秩序，保障道路运输安全，制定本条例。"),
    ("body", "第二条 从事道路运输经营以及道路运输相关业务的，应当遵守本条例。"),
    ("body", "第三条 道路运输管理机构应当依法履行下列职责："),
    ("body", "（一）监督检查道路运输经营活动；"),
    ("body", "（二）查处违反本条例的行为。"),
]
PAGE_TWO = [
    ("body", "第四条 客运经营者应当为旅客提供良好的乘车环境，保持车辆清洁、卫生，并采取必要的措施防止"
             "在运输过程中发生侵害旅客人身、财产安全的违法行为。"),
    ("heading", "第二章 法律责任"),
    ("body", "第五条 违反本条例的规定，未取得道路运输经营许可，擅自从事道路运输经营的，由县级以上"
             "道路运输管理机构责令停止经营，处1万元以上10万元以下的罚款。"),
]
ARTICLES = {
    "第一条": "为了规范道路运输经营活动，维护道路运输市场秩序，保障道路运输安全，制定本条例。",
    "第二条": "从事道路运输经营以及道路运输相关业务的，应当遵守本条例。",
    "第三条": "道路运输管理机构应当依法履行下列职责：（一）监督检查道路运输经营活动；（二）查处违反本条例的行为。",
    "第四条": PAGE_TWO[0][1].removeprefix("第四条 "),
    "第五条": PAGE_TWO[2][1].removeprefix("第五条 "),
}

WIDTH, SIZE, MARGIN = 1100, 34, 110  # a page at about 130 dpi, 28 characters a line


def render_page(paras: list[tuple[str, str]], number: int) -> Image.Image:
    """A printed page: centred title and headings, body paragraphs with a two-character indent, wrapped at
    the measure, and a ``— N —`` page number at the foot."""
    assert FONT is not None
    font = ImageFont.truetype(str(FONT[0]), SIZE, index=FONT[1])
    big = ImageFont.truetype(str(FONT[0]), SIZE + 10, index=FONT[1])
    per_line = (WIDTH - 2 * MARGIN) // SIZE
    rows: list[tuple[str, int, ImageFont.FreeTypeFont]] = []
    for kind, text in paras:
        if kind != "body":
            face = big if kind == "title" else font
            rows.append((text, (WIDTH - int(face.getlength(text))) // 2, face))
            continue
        first = per_line - 2
        chunks = [text[:first]] + [text[i:i + per_line] for i in range(first, len(text), per_line)]
        for k, chunk in enumerate(chunks):
            rows.append((chunk, MARGIN + (2 * SIZE if k == 0 else 0), font))
    height = MARGIN * 2 + len(rows) * int(SIZE * 1.7) + 120
    image = Image.new("L", (WIDTH, height), 250)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for text, x, face in rows:
        draw.text((x, y), text, font=face, fill=20)
        y += int(SIZE * 1.7)
    foot = f"— {number} —"
    draw.text(((WIDTH - int(font.getlength(foot))) // 2, height - MARGIN // 2 - SIZE), foot, font=font, fill=20)
    return image


def scan_noise(image: Image.Image, seed: int) -> Image.Image:
    """A little blur and speckle, as a scanner leaves."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image.filter(ImageFilter.GaussianBlur(0.6)), dtype=np.int16)
    pixels = pixels + rng.normal(0, 8, pixels.shape).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def scanned_pdf(path: Path, pages: list[Image.Image]) -> Path:
    pdf = FPDF(unit="pt", format="A4")
    for page in pages:
        buffer = io.BytesIO()
        page.save(buffer, format="JPEG", quality=85)
        buffer.seek(0)
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=595, h=595 * page.height / page.width)
    pdf.output(str(path))
    return path


def squeeze(text: str) -> str:
    return "".join(text.split())


def check_articles(found: dict[str, str], minimum: float = 0.97) -> None:
    assert list(found) == list(ARTICLES)
    for label, text in ARTICLES.items():
        ratio = SequenceMatcher(None, squeeze(found[label]), squeeze(f"{label}{text}"), autojunk=False).ratio()
        assert ratio >= minimum, (label, found[label])


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(tmp_path / "kb", KBSettings())


@needs_font
def test_a_scanned_pdf_is_read_parsed_and_stored_marked_as_ocr(kb: KnowledgeBase, tmp_path: Path) -> None:
    pages = [scan_noise(render_page(PAGE_ONE, 1), 1), scan_noise(render_page(PAGE_TWO, 2), 2)]
    path = scanned_pdf(tmp_path / "扫描件.pdf", pages)
    loaded = load_file(path, SETTINGS)
    assert loaded.ocr_pages == 2 and loaded.ocr_seconds > 0
    assert "— 1 —" not in loaded.text and "第一章 总则" in loaded.text.split("\n")
    report = ingest_file(kb, path, SETTINGS)
    assert report.ok, report.error
    (document,) = kb.documents()
    assert document.meta.ocr and document.meta.title == TITLE
    found = {u.label: u.text for u in _units(kb, document.doc_id)}
    check_articles(found)


def _units(kb: KnowledgeBase, doc_id: str) -> list[Unit]:
    return [stored.unit for stored in kb.units(doc_id) if stored.unit.kind == "article"]


@needs_font
def test_a_rotated_skewed_photo_with_a_stamp_is_read(kb: KnowledgeBase, tmp_path: Path) -> None:
    page = render_page(PAGE_ONE + PAGE_TWO, 1).convert("RGB")
    draw = ImageDraw.Draw(page)
    draw.ellipse((650, 420, 950, 720), outline=(220, 30, 30), width=8)  # a red seal over the text
    draw.text((720, 550), "专用章", font=ImageFont.truetype(str(FONT[0]), 40, index=FONT[1]), fill=(220, 30, 30))
    photo = page.rotate(3.5, expand=True, fillcolor=(235, 235, 230)).rotate(90, expand=True)
    path = tmp_path / "手机拍照.jpg"
    photo.save(path, format="JPEG", quality=88)
    report = ingest_file(kb, path, SETTINGS)
    assert report.ok, report.error
    (document,) = kb.documents()
    assert document.meta.ocr
    check_articles({u.label: u.text for u in _units(kb, document.doc_id)}, minimum=0.95)


@needs_font
def test_a_pdf_mixing_text_pages_and_scanned_pages(tmp_path: Path) -> None:
    assert FONT is not None
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("cjk", fname=str(FONT[0]), collection_font_number=FONT[1])
    pdf.set_font("cjk", size=12)
    pdf.add_page()
    y = 80
    for _, text in PAGE_ONE:
        for start in range(0, len(text), 36):
            pdf.text(60, y, text[start:start + 36])
            y += 20
    buffer = io.BytesIO()
    scan_noise(render_page(PAGE_TWO, 2), 3).save(buffer, format="PNG")
    buffer.seek(0)
    pdf.add_page()
    pdf.image(buffer, x=0, y=0, w=595)
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    loaded = load_file(path, SETTINGS)
    assert loaded.ocr_pages == 1
    assert "第五条 违反本条例的规定" in loaded.text
    assert "第一条 为了规范道路运输经营活动" in loaded.text


@pytest.mark.parametrize("make", [hostile.png_bomb, hostile.jpeg_bomb], ids=["png", "jpeg"])
def test_a_huge_declared_image_is_refused_before_decoding(
    make: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.loaders.ocr as ocr

    def never(*_args: object) -> None:
        raise AssertionError("decoded")

    monkeypatch.setattr(ocr, "read_page", never)
    suffix = ".png" if make is hostile.png_bomb else ".jpg"
    path = make(tmp_path / f"bomb{suffix}")  # type: ignore[operator]
    with pytest.raises(FileRefused, match="超过上限"):
        load_file(path, SETTINGS)


def test_an_image_over_a_lower_limit_is_refused_by_its_header(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    Image.new("L", (400, 300), 255).save(path)
    with pytest.raises(FileRefused, match="12 万像素"):
        load_file(path, IngestSettings(limits={"max_image_pixels": 100_000}))


def test_a_blank_or_broken_image_says_so(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), (255, 255, 255)).save(blank)
    with pytest.raises(IngestError, match="no text recognised"):
        load_file(blank, SETTINGS)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + bytes(random.Random(3).randbytes(300)))
    with pytest.raises(IngestError):
        load_file(broken, SETTINGS)


# ---------------------------------------------------------------- pure parts: geometry and mending


def _box(text: str, left: float, top: float, width: float, height: float = 30.0) -> Box:
    return Box(text, 0.99, ((left, top), (left + width, top), (left + width, top + height), (left, top + height)))


def test_boxes_are_read_in_column_order_and_page_numbers_dropped() -> None:
    boxes = [_box("标题在上方横跨两栏", 100, 40, 900)]
    for row in range(6):
        boxes.append(_box(f"右栏第{row}行文字", 560, 100 + 50 * row, 400))
        boxes.append(_box(f"左栏第{row}行文字", 100, 100 + 50 * row, 400))
    boxes.append(_box("— 3 —", 480, 500, 80))
    lines = page_lines(boxes, (1100, 560), 0)
    texts = [line.text for line in lines]
    assert texts == ["标题在上方横跨两栏", *[f"左栏第{r}行文字" for r in range(6)], *[f"右栏第{r}行文字" for r in range(6)]]
    assert all(a.y > b.y for a, b in pairwise(lines[1:7]))  # y runs upward


def test_article_heading_space_is_restored_for_indented_lines() -> None:
    boxes = [_box("第十二条为了规范管理，制定本条例。", 170, 100, 800), _box("第十二条规定的情形除外。", 100, 150, 500)]
    texts = [line.text for line in page_lines(boxes, (1100, 300), 0)]
    assert texts == ["第十二条 为了规范管理，制定本条例。", "第十二条规定的情形除外。"]


def test_mend_fixes_what_the_structure_proves() -> None:
    text = "\n".join([
        "第十条 依照《中华人民共和国公路法）的规定,处以罚款.",
        "第十—条 有下列情形之一的,不予处罚：",
        "一 初次违法且危害后果轻微并及时改正的；",
        "主动消除或者减轻违法行为危害后果的；",
        "（三）其他依法不予处罚的",
        "第—条 这一条不在序列里。",
        "第十二条 公民丶法人或者其他组织对《关于修改（中华人民共和国道路交通安全法》等法律的决定》不服的",
    ])
    assert mend(text).split("\n") == [
        "第十条 依照《中华人民共和国公路法》的规定，处以罚款。",
        "第十一条 有下列情形之一的，不予处罚：",
        "（一）初次违法且危害后果轻微并及时改正的；",
        "（二）主动消除或者减轻违法行为危害后果的；",
        "（三）其他依法不予处罚的。",
        "第—条 这一条不在序列里。",
        "第十二条 公民、法人或者其他组织对《关于修改〈中华人民共和国道路交通安全法〉等法律的决定》不服的。",
    ]


def test_mend_leaves_signatures_and_dates_without_a_full_stop() -> None:
    text = "第一条 本条例自公布之日起施行。\n交通运输部\n2021年1月22日"
    assert mend(text) == text


def test_mend_leaves_latin_and_numbers_alone() -> None:
    text = "第一条 本办法自2021年1月1日起施行,参照GB 1589-2016 (货车) 标准, 见 www.mot.gov.cn."
    assert mend(text) == "第一条 本办法自2021年1月1日起施行，参照GB 1589-2016 （货车） 标准， 见 www.mot.gov.cn."


def test_mend_fixes_item_ends_gaps_amounts_and_a_numeral_one_stroke_off() -> None:
    text = "\n".join([
        "第二十三条 查封、扣押限于涉案的场所。",
        "第三十四条 行政机关决定实施查封、扣押的，应当载明下列事项：",
        "（一）当事人的姓名或者名称、地址，",
        "（二）查封、扣押的理由：",
        "（三）申请行政复议的途径。",
        "第二十五条 处一干元以上二于元以下罚款，他于元旦前改正。",
        "第二十七条 这一条前后没有两边一致的序号 逾期不改正的 处罚款。",
        "第三章 法律责任",
    ])
    assert mend(text).split("\n") == [
        "第二十三条 查封、扣押限于涉案的场所。",
        "第二十四条 行政机关决定实施查封、扣押的，应当载明下列事项：",
        "（一）当事人的姓名或者名称、地址；",
        "（二）查封、扣押的理由；",
        "（三）申请行政复议的途径。",
        "第二十五条 处一千元以上二千元以下罚款，他于元旦前改正。",
        "第二十七条 这一条前后没有两边一致的序号，逾期不改正的，处罚款。",
        "第三章 法律责任",
    ]


def test_the_print_under_a_red_seal_is_kept_and_the_seal_whitened() -> None:
    from ingest.loaders.ocr import prepare_image

    page = np.full((40, 40, 3), 250, dtype=np.uint8)
    page[:, :20] = (216, 42, 47)  # seal ink over paper
    page[5:10, 5:15] = (182, 33, 38)  # print showing through opaque ink
    page[25:30, 5:15] = (20, 4, 5)  # print under ink that filters it
    page[5:10, 25:35] = (25, 25, 25)  # print outside the seal
    grey = prepare_image(page).min(axis=2)
    assert grey[15:20, 0:20].min() == 255 and grey[0:5, 20:].min() >= 250  # the seal's ink and the paper white
    assert grey[5:10, 5:15].max() < 80 and grey[25:30, 5:15].max() < 80 and grey[5:10, 25:35].max() < 80
