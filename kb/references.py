"""Which penalty articles punish the conduct another article describes.

Chinese statutes put the rule in one article and its penalty in the 法律责任 chapter, tied only by number:
"违反本条例第二十二条规定的，……处2万元以上10万元以下的罚款". A question that describes the conduct
("在桥下空间搭棚，按哪条处罚？") matches the rule's words; the article that answers it is the penalty that
names the rule. ``ReferenceGraph`` maps each article to the penalty articles of the same document that cite it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from kb.lexicon import is_penalty_article
from kb.models import StoredUnit
from kb.numbers import ARTICLE_NUMERALS, cn_to_int

_NUMBER = rf"[{ARTICLE_NUMERALS}\d]+"
_OWN_ARTICLES = re.compile(
    rf"本(?:法|条例|规定|办法|细则|规则|决定)(?:的)?((?:第{_NUMBER}条(?:第{_NUMBER}款)?(?:第（[^）]{{1,4}}）项)?"
    rf"(?:[、，和或及至]|或者|以及)?)+)"
)
_ARTICLE = re.compile(rf"第({_NUMBER})条")


def cited_articles(text: str) -> set[int]:
    """Numbers of the document's own articles a text cites (本条例第二十二条、第二十三条 → {22, 23})."""
    found: set[int] = set()
    for chain in _OWN_ARTICLES.finditer(text):
        for number in _ARTICLE.findall(chain.group(1)):
            value = cn_to_int(number)
            if value:
                found.add(value)
    return found


class ReferenceGraph:
    def __init__(self, units: Iterable[StoredUnit]) -> None:
        by_number: dict[tuple[str, int], str] = {}
        penalties: list[tuple[StoredUnit, set[int]]] = []
        for su in units:
            if su.unit.kind != "article":
                continue
            by_number.setdefault((su.doc_id, su.unit.number), su.unit_id)
            if is_penalty_article(su.unit.heading_path, su.unit.text):
                cited = cited_articles(su.unit.text)
                if cited:
                    penalties.append((su, cited))
        punished_by: dict[str, list[str]] = defaultdict(list)
        for su, cited in penalties:
            for number in sorted(cited):
                target = by_number.get((su.doc_id, number))
                if target is not None and target != su.unit_id:
                    punished_by[target].append(su.unit_id)
        self._punished_by = dict(punished_by)

    def penalties_for(self, unit_id: str) -> list[str]:
        """The penalty articles of the same document that cite this article."""
        return self._punished_by.get(unit_id, [])

    def __len__(self) -> int:
        return len(self._punished_by)
