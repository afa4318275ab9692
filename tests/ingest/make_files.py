"""Build real test files (PDF, DOCX, HTML, text) in a folder, no shared data needed.

The PDFs mimic a government print: a CJK TrueType font, a narrow measure so most lines break
mid-sentence, a two-character first-line indent, centred headings and ``— N —`` page numbers
(drawn first on odd pages and last on even ones, as extraction order varies). Lines are filled
glyph by glyph with no line-start rules, so a ``，`` can open a printed line.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph as DocxParagraph
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

# TrueType (glyf) CJK fonts that fpdf2 embeds correctly; Noto CJK .ttc files are CFF-based and
# come out garbled (NUL-padded) when fpdf2 subsets them, so they are not candidates.
CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
NO_CJK_FONT = "no TrueType CJK font (apt-get install fonts-wqy-zenhei) for building test PDFs"


def find_cjk_font() -> tuple[Path, int] | None:
    for name, index in CJK_FONTS:
        if Path(name).is_file():
            return Path(name), index
    return None


@dataclass(frozen=True)
class Para:
    """A paragraph to print: ``body`` (indented, filled) or ``center`` (a title or heading)."""

    text: str
    kind: str = "body"


GOV_LAW: tuple[Para, ...] = (
    Para("中华人民共和国测试运输条例", "center"),
    Para("第一章 总则", "center"),
    Para("第一条 为了规范道路运输测试活动，保障各方当事人的合法权益，根据有关法律，制定本条例。"),
    Para("第二条 从事道路运输经营以及道路运输相关业务的，应当遵守本条例。"),
    Para("第三条 从事道路运输经营以及道路运输相关业务应当依法经营，诚实信用，公平竞争。"),
    Para("第四条 道路运输管理应当公平、公正、公开和便民。"),
    Para("第二章 经营许可", "center"),
    Para("第五条 申请从事货运经营的，应当具备下列条件："),
    Para("（一）有与其经营业务相适应并经检测合格的车辆；"),
    Para("（二）有符合本条例第九条规定条件的驾驶人员；"),
    Para("（三）有健全的安全生产管理制度。"),
    # wraps so that a printed line begins with 第三十八条规定 (no article heading)
    Para(
        "第六条 申请从事货运经营的，应向所在地交通运输主管部门提出申请并提交符合条例第三十八条规定条件的相关材料。"
    ),
    # crosses the page break; a printed line begins with ，
    Para(
        "依照前款规定收到申请的交通运输主管部门，应当自受理申请之日起20日内审查完毕，作出许可或者不予许可的决定。"
    ),
    # the first printed line is full and ends with 。 yet the paragraph goes on
    Para("第七条 本条例由国务院交通部门解释。其他部门不得另行解释，也不得另行制定实施细则。"),
    Para("第八条 本条例自2021年7月15日起施行。"),
)


@dataclass(frozen=True)
class PdfStyle:
    chars_per_line: int = 20
    size: float = 12.0
    indent_chars: int = 2
    lines_per_page: int = 12
    margin: float = 60.0
    leading: float = 20.0


def _wrap(pdf: FPDF, text: str, first_width: float, width: float) -> list[str]:
    """Fill lines glyph by glyph (no line-start rules)."""
    lines: list[str] = []
    current = ""
    for ch in text:
        limit = first_width if not lines else width
        if current and pdf.get_string_width(current + ch) > limit + 0.01:
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines


def _layout(pdf: FPDF, paras: Sequence[Para], style: PdfStyle) -> list[tuple[str, float]]:
    """(text, x offset from the left margin) of every printed line; centred lines are offset."""
    width = style.chars_per_line * style.size
    out: list[tuple[str, float]] = []
    for para in paras:
        if para.kind == "center":
            out.append((para.text, (width - pdf.get_string_width(para.text)) / 2))
            continue
        indent = style.indent_chars * style.size
        for i, line in enumerate(_wrap(pdf, para.text, width - indent, width)):
            out.append((line, indent if i == 0 else 0.0))
    return out


def _page_number(pdf: FPDF, number: int, style: PdfStyle) -> None:
    label = f"— {number} —"
    width = style.chars_per_line * style.size
    x = style.margin + width - pdf.get_string_width(label) if number % 2 else style.margin
    pdf.text(x, style.margin + (style.lines_per_page + 1) * style.leading, label)


def make_gov_pdf(
    path: Path, paras: Sequence[Para] = GOV_LAW, style: PdfStyle | None = None, title: str = ""
) -> Path:
    """A text PDF laid out like a government print (see the module docstring)."""
    style = style or PdfStyle()
    font = find_cjk_font()
    if font is None:
        raise RuntimeError(NO_CJK_FONT)
    page_width = style.chars_per_line * style.size + 2 * style.margin
    page_height = style.lines_per_page * style.leading + 3 * style.margin
    pdf = FPDF(unit="pt", format=(page_width, page_height))
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(font[0]), collection_font_number=font[1])
    pdf.set_font("cjk", size=style.size)
    if title:
        pdf.set_title(title)
    lines = _layout(pdf, paras, style)
    for start in range(0, len(lines), style.lines_per_page):
        pdf.add_page()
        number = start // style.lines_per_page + 1
        if number % 2:
            _page_number(pdf, number, style)
        for row, (text, dx) in enumerate(lines[start : start + style.lines_per_page]):
            pdf.text(style.margin + dx, style.margin + (row + 1) * style.leading, text)
        if not number % 2:
            _page_number(pdf, number, style)
    pdf.output(str(path))
    return path


def raw_pdf_lines(path: Path) -> list[str]:
    """Lines as pypdf prints them (to check a fixture exercises what it should)."""
    reader = PdfReader(path)
    return [line.strip() for page in reader.pages for line in page.extract_text().split("\n") if line.strip()]


def make_encrypted_pdf(path: Path, source: Path, user_password: str = "secret") -> Path:
    """``source`` encrypted with AES; ``user_password=""`` gives an owner-password-only file."""
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="owner-pass", algorithm="AES-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_truncated_pdf(path: Path, source: Path, keep: float = 0.3) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def make_garbage_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    return path


def make_scan_pdf(path: Path) -> Path:
    """An image-only PDF: a grey 'scan' with strokes that look like text lines, no text layer."""
    image = Image.new("L", (600, 800), 235)
    draw = ImageDraw.Draw(image)
    for row in range(60, 760, 30):
        draw.rectangle((60, row, 540 - (row % 90), row + 12), fill=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF(unit="pt", format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.image(buffer, x=20, y=20, w=555)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    """Title, Heading 1/2 chapters and sections, bold ``第X条`` runs, a table with a merged cell."""
    document = Document()
    document.core_properties.title = "测试运输条例"
    document.add_paragraph("测试运输条例", style="Title")
    document.add_heading("第一章　总　则", level=1)
    document.add_heading("第一节 一般规定", level=2)
    for label, body in (("第一条", "为了规范测试，制定本条例。"), ("第二条", "本条例适用于下列情形：")):
        paragraph = document.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run("\u3000" + body)
    document.add_paragraph("（一）客运；")
    document.add_paragraph("（二）货运。　")
    table = document.add_table(rows=2, cols=3)
    for col, text in enumerate(("违法行为", "依据", "罚款")):
        table.cell(0, col).text = text
    table.cell(1, 0).text = "超限运输"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    merged.text = "第六十四条"
    paragraph = document.add_paragraph("第三条 本条例自公布之日起施行。")
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("（附注）")
    _wrap_in_content_control(document.add_paragraph("第四条 内容控件中的条文。"))
    document.save(str(path))
    return path


def _wrap_in_content_control(paragraph: DocxParagraph) -> None:
    """Move a paragraph into a block-level content control (w:sdt/w:sdtContent)."""
    p = paragraph._p
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    p.addprevious(sdt)
    sdt.append(OxmlElement("w:sdtPr"))
    sdt.append(content)
    content.append(p)


def make_corrupt_docx(path: Path) -> Path:
    """A zip that is no Word document, then nothing but noise."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a document")
    return path


GBK_HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>测试运输条例_政府网</title>
<style>p {{ color: red; }}</style>
<script>var leaked = "脚本内容不应出现";</script></head>
<body>
<header>网站首页 | 政策法规</header>
<nav><a href="/">导航链接</a></nav>
<h1>测试运输条例</h1>
<!-- 注释不应出现 -->
<div class="content">
<p>第一条　为了规范道路运输测试活动，
制定本条例。</p>
<p>第二条 道路运输管理，应当公平、公正。<br>（一）客运；<br>（二）货运。</p>
<table><tr><td>违法行为</td><td>罚款</td></tr><tr><td>超限运输</td><td>{fine}</td></tr></table>
<p>Road transport <b>regulation</b>
applies.</p>
</div>
<footer>版权所有 网站地图</footer>
<script>document.write("又一段脚本");</script>
</body></html>
"""


def make_html(path: Path, encoding: str = "gbk") -> Path:
    path.write_bytes(GBK_HTML.format(fine="5000元").encode(encoding))
    return path


def write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def body_paragraphs(markdown: str) -> list[str]:
    """The truth of a corpus text: non-empty lines after ``<!-- INFO END -->``, ``#`` markers removed."""
    body = markdown.split("<!-- INFO END -->", 1)[1]
    return [line.lstrip("#").strip() for line in body.split("\n") if line.strip()]


def reproduced(truth: Sequence[str], text: str) -> tuple[int, list[str]]:
    """How many truth paragraphs come out as an identical line, in order; and the ones that do not."""
    lines = text.split("\n")
    matcher = SequenceMatcher(None, list(truth), lines, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    missing = [p for p in truth if p not in set(lines)]
    return matched, missing
