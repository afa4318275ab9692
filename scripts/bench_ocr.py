"""OCR benchmark (issue 12): a scanned PDF or photo through the real loader, against the law's text.

Loads the scan with :func:`ingest.loaders.load_file` (OCR, reflow, mending), and compares it with the
reference law (a corpus ``.md``) over the text its pages hold: character accuracy (1 − edit distance /
reference length, whitespace ignored) before and after :func:`ingest.loaders.ocr.mend`, and whether every
article of those pages is parsed with the right number and the right text. Prints seconds per page.

    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py
    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py --scan photo.jpg --reference ../shared/corpus/法律/X.md
    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py --generated [--out DIR] [--kinds clean,noise,…] [--json]

``--generated`` makes the test scans itself (``generated_main``): an A4 page of each of three laws of the
corpus (公路法 from 第七十六条, 道路交通安全法 from 第八十八条, 行政强制法 from 第二十二条: whole articles, the
title on top, a page number at the foot) printed at 180 dpi in 12 pt (Noto Serif CJK SC or WenQuanYi Zen Hei),
then damaged one way at a time (:data:`DAMAGES`): clean (a slight blur), scanner noise and speckle, a 1–3°
rotation, two red seals over the text (ink that filters the print, and thick ink hiding 85 % of it), a hard
JPEG re-compression at 120 dpi, a phone photo (perspective skew 2–6 % a corner, a dark table around the
page, light falling off, blur, JPEG). Each image goes through ``load_file`` like an uploaded photo; the text
is compared with what the page printed (half-width punctuation folded to full-width on both sides: the corpus
writes some colons half-width). Prints per kind: characters right, articles found with the right number and
with the right text, seconds per page (wall and CPU) and pages per second.
"""

from __future__ import annotations

import argparse
import difflib
import io
import itertools
import json
import math
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

import ingest.loaders.ocr as ocr
from ingest.loaders import load_file
from ingest.settings import IngestSettings
from ingest.structure import parse_document
from ingest.text import LoadedText
from kb.models import Unit

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_SCAN = SHARED / "binary" / "行政处罚法-扫描件-无文字层.pdf"
DEFAULT_REFERENCE = SHARED / "法律" / "行政处罚法(2021-01-22).md"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _reference_text(path: Path) -> str:
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    return "\n".join(line.lstrip("#").strip() for line in text.splitlines() if line.strip())


def _span(ocr_text: str, reference: str) -> tuple[int, int, int]:
    """The stretch of ``reference`` the OCR text matches best (semi-global alignment: the reference's
    start and end are free) and the edit distance to it: (start, end, distance)."""
    a, b = ocr_text, reference[: 2 * len(ocr_text) + 200]
    previous = [0] * (len(b) + 1)  # a free start anywhere in b
    starts = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        current_starts = [0] + [0] * len(b)
        ch = a[i - 1]
        for j in range(1, len(b) + 1):
            best, start = previous[j - 1] + (ch != b[j - 1]), starts[j - 1]
            if previous[j] + 1 < best:
                best, start = previous[j] + 1, starts[j]
            if current[j - 1] + 1 < best:
                best, start = current[j - 1] + 1, current_starts[j - 1]
            current[j], current_starts[j] = best, start
        previous, starts = current, current_starts
    end = min(range(len(b) + 1), key=lambda j: previous[j])
    return starts[end], end, previous[end]


def _accuracy(text: str, reference: str) -> tuple[float, int, int]:
    start, end, distance = _span(_squeeze(text), _squeeze(reference))
    length = end - start
    return 1 - distance / max(length, 1), distance, length


def _differences(text: str, reference: str) -> list[str]:
    """Where the OCR text and the reference's matching stretch differ: 'OCR' → 'law' with context."""
    got, ref = _squeeze(text), _squeeze(reference)
    start, end, _ = _span(got, ref)
    ref = ref[start:end]
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, got, ref, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(f"{got[max(0, i1 - 6):i1]}[{got[i1:i2]} → {ref[j1:j2]}]{got[i2:i2 + 6]}")
    return out


def _articles(units: tuple[Unit, ...]) -> dict[str, str]:
    return {u.label: _squeeze(u.text) for u in units if u.kind == "article"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scan", type=Path, default=DEFAULT_SCAN)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--generated", action="store_true", help="make damaged scans of corpus pages and read them")
    parser.add_argument("--out", type=Path, default=Path("/tmp/xuefa-ocr-scans"), help="where the scans are written")
    parser.add_argument("--kinds", default=",".join(DAMAGES), help="damages to make, comma-separated")
    parser.add_argument("--corpus", type=Path, default=SHARED, help="the corpus the pages are printed from")
    args = parser.parse_args(argv)
    if args.generated:
        return generated_main(args.out, [k for k in args.kinds.split(",") if k], args.json, args.corpus)

    raw: list[str] = []
    mend = ocr.mend

    def recording(text: str) -> str:
        raw.append(text)
        return mend(text)

    ocr.mend = recording
    start, cpu = time.perf_counter(), time.process_time()
    loaded = load_file(args.scan, IngestSettings())
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    ocr.mend = mend

    reference = _reference_text(args.reference)
    accuracy, distance, length = _accuracy(loaded.text, reference)
    raw_accuracy = _accuracy(raw[0], reference)[0] if raw else accuracy

    got = _articles(parse_document(loaded).units)
    ref_loaded = LoadedText(path=args.reference, text=reference, format="md")
    expected_all = _articles(parse_document(ref_loaded).units)
    labels = list(expected_all)
    last = max((labels.index(k) for k in got if k in expected_all), default=-1)
    expected = labels[: last + 1]
    found = [k for k in expected if k in got]
    exact = [k for k in expected if got.get(k) == expected_all[k]]
    cut = expected[-1] if expected else ""  # the last article may run on past the last page
    if cut and cut not in exact and cut in got and expected_all[cut].startswith(got[cut]):
        exact.append(cut)
    wrong = {k: got[k] for k in expected if k not in exact and k in got}
    extra = [k for k in got if k not in expected_all]

    figures = {
        "scan": args.scan.name,
        "pages": loaded.ocr_pages,
        "seconds_per_page": round(loaded.ocr_seconds / max(loaded.ocr_pages, 1), 2),
        "wall_seconds": round(wall, 1),
        "cpu_seconds_per_page": round(cpu / max(loaded.ocr_pages, 1), 2),
        "reference_chars": length,
        "edit_distance": distance,
        "char_accuracy": round(accuracy, 4),
        "char_accuracy_before_mend": round(raw_accuracy, 4),
        "articles_expected": len(expected),
        "articles_found": len(found),
        "articles_exact": len(exact),
        "articles_extra": extra,
        "articles_wrong": wrong,
        "differences": _differences(loaded.text, reference),
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.scan.name}: {loaded.ocr_pages} pages OCR, {figures['seconds_per_page']} s/page "
          f"({wall:.1f} s in all; {figures['cpu_seconds_per_page']} CPU s/page, both cores)")
    print(f"characters right: {accuracy:.2%} (edit distance {distance} over {length} reference characters); "
          f"before mending {raw_accuracy:.2%}")
    print(f"articles of its pages: {len(found)}/{len(expected)} found with the right number, "
          f"{len(exact)}/{len(expected)} with the right text (the last one as far as the page goes)")
    for difference in figures["differences"]:
        print(f"  OCR [read → law]: {difference}")
    for label, text in wrong.items():
        print(f"  {label}: {text}\n  {'':{len(label)}}  expected {expected_all[label]}")
    if extra:
        print(f"  articles not in the law: {', '.join(extra)}")
    return 0


# ---------------------------------------------------------------- generated scans

DPI = 180
PAGE_WIDTH, PAGE_HEIGHT = round(8.27 * DPI), round(11.69 * DPI)  # A4
MARGIN = round(2.5 / 2.54 * DPI)
BODY_PX = round(12 / 72 * DPI)  # 小四, 12 pt
LINE_PX = round(BODY_PX * 1.75)
GENERATED_LAWS: tuple[tuple[str, str, tuple[str, int]], ...] = (
    # (corpus file, first article of the page, (font file, face index))
    ("法律/公路法(2017-11-04).md", "第七十六条", ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)),
    ("法律/道路交通安全法(2021-04-29).md", "第八十八条", ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)),
    ("法律/行政强制法(2011-06-30).md", "第二十二条", ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)),
)


@dataclass(frozen=True)
class PrintedPage:
    """A page rendered from a law: its image, the text it holds (title and paragraphs) and its articles."""

    law: str
    image: Image.Image
    paragraphs: tuple[str, ...]
    articles: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _law_paragraphs(path: Path) -> tuple[str, list[str]]:
    """The title and the body paragraphs (chapter headings and articles' paragraphs) of a corpus law."""
    raw = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    title = lines[0].lstrip("#").strip()
    body = [line.lstrip("#").strip() for line in lines[1:]]
    start = next(i for i, line in enumerate(body) if re.match(r"第[一二三四五六七八九十百零]+章", line))
    return title, body[start:]


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, indent: int) -> list[tuple[str, int]]:
    """A paragraph cut into printed lines glyph by glyph (first line indented), with each line's x."""
    rows: list[tuple[str, int]] = []
    line, x0 = "", MARGIN + indent
    for ch in text:
        if font.getlength(line + ch) > width - (x0 - MARGIN):
            rows.append((line, x0))
            line, x0 = "", MARGIN
        line += ch
    rows.append((line, x0))
    return rows


def print_page(corpus: Path, law_file: str, first_article: str, font_file: tuple[str, int]) -> PrintedPage:
    """One A4 page of the law at :data:`DPI`: the title on top, then whole articles from ``first_article``
    (a chapter heading centred where one falls) as long as they fit, a ``— N —`` page number at the foot."""
    title, body = _law_paragraphs(corpus / law_file)
    font = ImageFont.truetype(font_file[0], BODY_PX, index=font_file[1])
    big = ImageFont.truetype(font_file[0], round(BODY_PX * 1.5), index=font_file[1])
    width = PAGE_WIDTH - 2 * MARGIN
    start = next(i for i, p in enumerate(body) if p.startswith(first_article + " "))
    rows: list[tuple[str, int, ImageFont.FreeTypeFont]] = [(title, (PAGE_WIDTH - int(big.getlength(title))) // 2, big)]
    y_room = (PAGE_HEIGHT - 2 * MARGIN) // LINE_PX - 3
    paragraphs, articles = [title], []
    i = start
    while i < len(body):
        block = [body[i], *itertools.takewhile(lambda p: not re.match(r"第\S+[条章节] ", p), body[i + 1:])]
        block_rows: list[tuple[str, int, ImageFont.FreeTypeFont]] = []
        for paragraph in block:
            if re.match(r"第\S+[章节] ", paragraph):
                block_rows.append((paragraph, (PAGE_WIDTH - int(font.getlength(paragraph))) // 2, font))
            else:
                block_rows += [(t, x, font) for t, x in _wrap(paragraph, font, width, 2 * BODY_PX)]
        if len(rows) + len(block_rows) > y_room:
            break
        rows += block_rows
        paragraphs += block
        articles += [p.split(" ")[0] for p in block if re.match(r"第\S+条 ", p)]
        i += len(block)
    image = Image.new("L", (PAGE_WIDTH, PAGE_HEIGHT), 250)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for text, x, face in rows:
        draw.text((x, y), text, font=face, fill=25)
        y += LINE_PX + (LINE_PX // 2 if face is big else 0)
    foot = "— 1 —"
    draw.text(((PAGE_WIDTH - int(font.getlength(foot))) // 2, PAGE_HEIGHT - MARGIN // 2 - BODY_PX), foot,
              font=font, fill=25)
    return PrintedPage(law=law_file.split("/")[-1].split("(")[0], image=image, paragraphs=tuple(paragraphs),
                       articles=tuple(articles))


def _noise(image: Image.Image, rng: np.random.Generator, sigma: float, speckle: float) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(0, sigma, np.asarray(image).shape)
    dots = rng.random(pixels.shape[:2]) < speckle
    pixels[dots] = rng.choice([0.0, 255.0], size=int(dots.sum()))[:, None] if pixels.ndim == 3 else \
        rng.choice([0.0, 255.0], size=int(dots.sum()))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _seal(size: int, font_file: tuple[str, int], text: str) -> Image.Image:
    """A red round seal (ring, ring text, star, a word across), RGBA with its ink as alpha."""
    seal = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(seal)
    c, r = size / 2, size / 2 - 6
    draw.ellipse((6, 6, size - 6, size - 6), outline=255, width=max(4, size // 40))
    ring = ImageFont.truetype(font_file[0], size // 9, index=font_file[1])
    for k, ch in enumerate(text):
        angle = math.radians(-150 + 300 * k / max(len(text) - 1, 1))
        glyph = Image.new("L", (size // 7, size // 7), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, font=ring, fill=255)
        glyph = glyph.rotate(-math.degrees(angle), expand=True)
        gx = c + (r - size // 8) * math.sin(angle) - glyph.width / 2
        gy = c - (r - size // 8) * math.cos(angle) - glyph.height / 2
        seal.paste(255, (round(gx), round(gy)), glyph)
    star = [(c + size / 9 * math.sin(math.radians(36 * k)) * (1 if k % 2 == 0 else 0.4),
             c - size / 9 * math.cos(math.radians(36 * k)) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    draw.polygon(star, fill=255)
    word = ImageFont.truetype(font_file[0], size // 10, index=font_file[1])
    draw.text((c - word.getlength("专用章") / 2, c + size / 6), "专用章", font=word, fill=255)
    red = Image.new("RGBA", (size, size), (210, 35, 40, 0))
    red.putalpha(seal.point(lambda v: v * 0.85))
    return red


def _perspective(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A phone photo of the page: the page's corners pulled 2–6 % off a rectangle, on a dark table, the
    light falling off towards one side."""
    import cv2

    w, h = image.size
    pad = round(0.06 * w)
    canvas = np.full((h + 2 * pad, w + 2 * pad, 3), (70, 60, 50), dtype=np.uint8)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    inward = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=np.float32)
    jitter = rng.uniform(0.02, 0.06, (4, 2)) * np.array([w, h], dtype=np.float32) * inward
    dst = src + pad + jitter.astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    page = np.asarray(image.convert("RGB"))
    warped = cv2.warpPerspective(page, matrix, (canvas.shape[1], canvas.shape[0]), borderMode=cv2.BORDER_TRANSPARENT,
                                 dst=canvas.copy())
    ys, xs = np.mgrid[0 : warped.shape[0], 0 : warped.shape[1]]
    light = 1.0 - 0.35 * (xs / warped.shape[1]) - 0.1 * (ys / warped.shape[0])
    tinted = warped.astype(np.float32) * light[:, :, None] * np.array([1.0, 0.97, 0.9], dtype=np.float32)
    photo = Image.fromarray(np.clip(tinted, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.9))
    return _noise(photo, rng, 6, 0.0)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).copy()


def damage(kind: str, page: PrintedPage, font_file: tuple[str, int], seed: int) -> Image.Image:
    """The printed page damaged one way (:data:`DAMAGES`), the same way for the same seed."""
    rng = np.random.default_rng(seed)
    image = page.image.filter(ImageFilter.GaussianBlur(0.5))
    if kind == "clean":
        return image
    if kind == "noise":
        return _noise(image.filter(ImageFilter.GaussianBlur(0.4)), rng, 22, 0.004)
    if kind == "rotation":
        angle = float(rng.choice([-1, 1]) * rng.uniform(1.0, 3.0))
        return _noise(image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=250), rng, 6, 0)
    if kind in ("stamp", "stamp-opaque"):
        rgb = image.convert("RGB")
        size = round(4.2 / 2.54 * DPI)  # a 4.2 cm seal
        seal = _seal(size, font_file, "某某市交通运输综合行政执法支队")
        for k in range(2):  # one over the middle of the text, one lower over the last lines
            x = round(rng.uniform(0.35, 0.6) * PAGE_WIDTH)
            y = round((0.35 + 0.35 * k + rng.uniform(-0.05, 0.05)) * PAGE_HEIGHT)
            box = (x - size // 2, y - size // 2)
            if kind == "stamp-opaque":  # thick ink laid over the print: 85 % of what is under it hidden
                rgb.paste(seal, box, seal)
            else:  # ink as a filter over the toner, as on a real print: text under it stays dark
                under = rgb.crop((*box, box[0] + size, box[1] + size))
                inked = ImageChops.multiply(under, Image.new("RGB", (size, size), (210, 35, 40)))
                rgb.paste(inked, box, seal)
        return _noise(rgb, rng, 5, 0)
    if kind == "jpeg":
        smaller = image.resize((PAGE_WIDTH * 2 // 3, PAGE_HEIGHT * 2 // 3), Image.Resampling.BILINEAR)  # 120 dpi
        return _jpeg(_jpeg(smaller, 30), 12)
    if kind == "photo":
        return _jpeg(_perspective(image, rng), 75)
    raise ValueError(f"unknown damage {kind!r}")


DAMAGES = ("clean", "noise", "rotation", "stamp", "stamp-opaque", "jpeg", "photo")


_HALF_WIDTH = str.maketrans({":": "：", ";": "；", ",": "，", "?": "？", "!": "！", "(": "（", ")": "）"})


def _fold(text: str) -> str:
    """Half-width punctuation as full-width: the corpus text writes some colons half-width (下列事项:) where the
    print and the mended OCR have ：; either way is the same mark for this measure."""
    return text.translate(_HALF_WIDTH)


def _page_figures(page: PrintedPage, path: Path, reference: dict[str, str]) -> dict[str, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    loaded = load_file(path, IngestSettings())
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    accuracy, distance, length = _accuracy(_fold(loaded.text), _fold(page.text))
    got = {label: _fold(text) for label, text in _articles(parse_document(loaded).units).items()}
    found = [a for a in page.articles if a in got]
    exact = [a for a in page.articles if got.get(a) == _fold(reference.get(a, ""))]
    return {"law": page.law, "file": path.name, "char_accuracy": round(accuracy, 4), "edit_distance": distance,
            "reference_chars": length, "articles": len(page.articles), "articles_found": len(found),
            "articles_exact": len(exact), "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "differences": _differences(_fold(loaded.text), _fold(page.text))}


def generated_main(out: Path, kinds: Sequence[str], as_json: bool, corpus: Path = SHARED) -> int:
    out.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    for n, (law_file, first, font_file) in enumerate(GENERATED_LAWS):
        if not Path(font_file[0]).is_file():
            print(f"skipped {law_file}: no font {font_file[0]}", file=sys.stderr)
            continue
        page = print_page(corpus, law_file, first, font_file)
        ref_loaded = LoadedText(path=corpus / law_file, text=_reference_text(corpus / law_file), format="md")
        reference = _articles(parse_document(ref_loaded).units)
        for kind in kinds:
            image = damage(kind, page, font_file, seed=100 * n + DAMAGES.index(kind))
            path = out / f"{page.law}-{kind}.{'jpg' if kind in ('jpeg', 'photo') else 'png'}"
            if kind in ("jpeg", "photo"):
                image.convert("RGB").save(path, quality=95 if kind == "jpeg" else 90)
            else:
                image.save(path)
            figures = {"kind": kind, **_page_figures(page, path, reference)}
            results.append(figures)
            if not as_json:
                print(f"{kind:9} {page.law:8} chars {figures['char_accuracy']:.2%} "
                      f"articles {figures['articles_found']}/{figures['articles']} found, "
                      f"{figures['articles_exact']}/{figures['articles']} exact, {figures['seconds']:.1f} s "
                      f"({figures['cpu_seconds']:.1f} s CPU)",
                      flush=True)
    summary = []
    for kind in [*kinds, "all"]:
        rows = [r for r in results if r["kind"] == kind or kind == "all"]
        if not rows:
            continue
        chars = sum(r["reference_chars"] for r in rows)
        edits = sum(r["edit_distance"] for r in rows)
        seconds = sum(r["seconds"] for r in rows)
        cpu = sum(r["cpu_seconds"] for r in rows)
        summary.append({"kind": kind, "pages": len(rows), "char_accuracy": round(1 - edits / max(chars, 1), 4),
                        "worst_page": min(r["char_accuracy"] for r in rows),
                        "articles": sum(r["articles"] for r in rows),
                        "articles_found": sum(r["articles_found"] for r in rows),
                        "articles_exact": sum(r["articles_exact"] for r in rows),
                        "seconds_per_page": round(seconds / len(rows), 2),
                        "cpu_seconds_per_page": round(cpu / len(rows), 2),
                        "pages_per_second": round(len(rows) / seconds, 3)})
    if as_json:
        print(json.dumps({"pages": results, "summary": summary}, ensure_ascii=False, indent=1))
        return 0
    print("\n| damage | pages | characters right (worst page) | articles found | articles exact | s/page wall (CPU) "
          "| pages/s wall |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in summary:
        print(f"| {row['kind']} | {row['pages']} | {row['char_accuracy']:.2%} ({row['worst_page']:.2%}) | "
              f"{row['articles_found']}/{row['articles']} | {row['articles_exact']}/{row['articles']} | "
              f"{row['seconds_per_page']} ({row['cpu_seconds_per_page']}) | {row['pages_per_second']} |")
    for r in results:
        for difference in r["differences"][:12]:
            print(f"  {r['kind']} {r['law']} [read → law]: {difference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
