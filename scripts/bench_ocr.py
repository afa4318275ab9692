"""OCR benchmark (issue 12): a scanned PDF or photo through the real loader, against the law's text.

Loads the scan with :func:`ingest.loaders.load_file` (OCR, reflow, mending), and compares it with the
reference law (a corpus ``.md``) over the text its pages hold: character accuracy (1 − edit distance /
reference length, whitespace ignored) before and after :func:`ingest.loaders.ocr.mend`, and whether every
article of those pages is parsed with the right number and the right text. Prints seconds per page.

    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py
    PYTHONPATH=. .venv/bin/python scripts/bench_ocr.py --scan photo.jpg --reference ../shared/corpus/法律/X.md
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from pathlib import Path

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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
