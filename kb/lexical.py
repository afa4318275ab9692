"""Chinese tokeniser and BM25 index over the units of active documents."""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
_HAN = re.compile(r"[\u4e00-\u9fff]")

STOPWORDS = frozenset(
    ["的", "了", "是", "在", "和", "与", "对", "于", "由", "从", "被", "把", "及", "或", "并", "等", "请问", "我", "我们", "你", "他", "她", "它", "这", "那", "个", "之", "其", "什么", "怎么", "怎样", "如何", "咨询", "一下", "有关", "关于", "应该", "可以", "是否", "有没有", "如果", "因为", "所以", "但是", "然后", "因此", "进行", "予以", "情况", "时候", "属于", "哪些", "哪个", "哪", "吗", "呢", "吧", "啊", "么", "还是", "就", "都", "也", "又", "要", "会", "能", "能不能", "可不可以", "需不需要", "有", "没有", "没", "不", "一个", "这个", "那个", "这种", "这样", "那样", "该", "此", "者", "所", "以", "为", "中", "上", "下", "里", "里面", "规定", "条", "第", "本法", "本条例", "本规定", "办法", "一条", "哪一条", "说", "讲", "啥", "多少", "几", "多长", "多久", "怎么办", "怎么样", "处理", "情形", "问题", "相关", "具体", "现在", "目前", "已经", "直接", "自己", "别人", "人家", "一些", "比如", "例如", "还", "再", "时", "后", "前", "内", "外", "之后", "以后", "之前", "以前"]
)

_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Words (jieba search mode, so compounds also yield their parts), without stop words."""
    jieba = _jieba()
    out: list[str] = []
    for chunk in _WORD.findall(text):
        if not _HAN.match(chunk):
            out.append(chunk.lower())
            continue
        for word in jieba.cut_for_search(chunk):
            if word not in STOPWORDS and (len(word) > 1 or word in _SINGLE_CHAR_TERMS):
                out.append(word)
    return out


_SINGLE_CHAR_TERMS = frozenset("罚扣车船路桥证费税款险货客危港航")


class LexicalIndex:
    """BM25 (bm25s) over pre-tokenised units; ``search`` returns (unit_id, score) best first."""

    def __init__(self, unit_ids: Sequence[str], doc_ids: Sequence[str], tokens: Sequence[Sequence[str]]) -> None:
        import bm25s

        self.unit_ids = list(unit_ids)
        self.doc_ids = np.asarray(doc_ids)
        self._retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        if self.unit_ids:
            self._retriever.index([list(t) or [""] for t in tokens], show_progress=False)
        self._vocab = set(self._retriever.vocab_dict) if self.unit_ids else set()
        self.doc_freq: Counter[str] = Counter(t for doc in tokens for t in set(doc))
        self._row: dict[str, int] | None = None

    def idf(self, token: str) -> float:
        """BM25-style idf; a token the corpus never uses weighs the most."""
        n = max(len(self.unit_ids), 1)
        return math.log(1 + (n - self.doc_freq.get(token, 0) + 0.5) / (self.doc_freq.get(token, 0) + 0.5))

    def __len__(self) -> int:
        return len(self.unit_ids)

    def scores_of(self, query_tokens: Sequence[str], unit_ids: Sequence[str]) -> np.ndarray:
        """BM25 scores of the query for these units (0 for a unit not in the index)."""
        terms = [t for t in query_tokens if t in self._vocab]
        if not terms or not self.unit_ids or not unit_ids:
            return np.zeros(len(unit_ids))
        if self._row is None:
            self._row = {uid: i for i, uid in enumerate(self.unit_ids)}
        scores = self._retriever.get_scores(terms)
        rows = [self._row.get(uid, -1) for uid in unit_ids]
        return np.array([float(scores[r]) if r >= 0 else 0.0 for r in rows])

    def search(self, query_tokens: Sequence[str], n: int, allowed_docs: set[str] | None = None) -> list[tuple[str, float]]:
        terms = [t for t in query_tokens if t in self._vocab]
        if not terms or not self.unit_ids:
            return []
        scores = self._retriever.get_scores(terms)
        if allowed_docs is not None:
            scores = np.where(np.isin(self.doc_ids, list(allowed_docs)), scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.unit_ids[i], float(scores[i])) for i in top if scores[i] > 0]
