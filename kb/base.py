"""The knowledge base: the one source of truth that ingest writes and chat/quiz read."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from kb.adapter import AdapterError, QueryAdapter
from kb.basis import OFF_TOPIC_PROBES, NullCalibration, calibrate, calibrate_questions
from kb.benchmarks import settle_steps
from kb.citations import ABBREVIATIONS, law_key, parse_citations
from kb.embeddings import Embedder, create_embedder, text_hash
from kb.judge import BasisJudge, JudgeError
from kb.lexical import LexicalIndex, tokenize
from kb.memory import AnsweredQuestion, QuestionMemory
from kb.models import (
    Citation,
    DocStatus,
    Hit,
    ParsedDocument,
    SearchFilters,
    SearchResult,
    StoredDocument,
    StoredUnit,
    Unit,
)
from kb.ranker import FEATURES, LinearRanker, RankerError
from kb.references import ReferenceGraph
from kb.registry import Registry
from kb.retrieve import Retriever
from kb.settings import KBSettings
from kb.vectors import VectorStore

_MIN_DATE = date(1, 1, 1)
TRAINED = Path(__file__).resolve().parent / "trained"
"""The learned parts shipped with the package (scripts/train_retriever.py writes them)."""
BUNDLED_ADAPTER = TRAINED / "query_adapter.npz"
BUNDLED_RANKER = TRAINED / "ranker.json"
BUNDLED_JUDGE = TRAINED / "basis.json"
QUERY_CACHE_SIZE = 4096
log = logging.getLogger(__name__)

MIN_UNRELATED_PAIRS = 10
Progress = Callable[[int, int, str], None]
"""progress(done, total, what): called as units are embedded and stored."""


@dataclass(frozen=True)
class AddOutcome:
    title: str
    action: Literal["added", "unchanged", "replaced", "superseded-by-newer"]
    doc_id: str
    units: int
    superseded: tuple[str, ...] = ()


def embedding_text(meta_title: str, unit: Unit) -> str:
    """What the embedding model and the lexical index see of a unit: law, headings, text."""
    return " ".join([law_key(meta_title), *unit.heading_path, unit.title, unit.text]).strip()


class KnowledgeBase:
    """Facade over the registry (SQLite), the vector store (Chroma) and the lexical index (BM25).

    ``home`` holds ``registry.sqlite`` and ``chroma/`` (or, with ``kb.vectors.server``, the vectors are in that
    Chroma server). Writes are serialised; reads may run concurrently. Several processes may share one home when
    the vectors are in a server: each one's cached state follows the others' changes (``refresh``).
    """

    def __init__(self, home: Path, settings: KBSettings, embedder: Embedder) -> None:
        self.home = home
        self.settings = settings
        self.embedder = embedder
        self.registry = Registry(home / "registry.sqlite")
        self.vectors = VectorStore(
            home / "chroma", f"{settings.collection}-{embedder.name}", embedder.dim, settings.vectors.server
        )
        self._write_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._documents: dict[str, StoredDocument] | None = None
        self._lexical: LexicalIndex | None = None
        self._null: dict[bool, NullCalibration] | None = None
        self._references: ReferenceGraph | None = None
        self._memory: QuestionMemory | None = None
        self._seen: tuple[int | None, int | None] = (None, None)
        """The registry's generations (documents, answered questions) the cached state is known to hold."""
        self._query_cache: dict[str, np.ndarray] = {}
        self._probes: np.ndarray | None = None
        self._probe_pairs: NullCalibration | None = None
        self._adapter = load_adapter(settings.retrieval.query_adapter, embedder.name)
        self._ranker = load_ranker(settings.retrieval.ranker)
        self._judge = load_judge(settings.retrieval.basis_judge)
        self.retriever = Retriever(self)

    @classmethod
    def open(cls, home: Path, settings: KBSettings, embedder: Embedder | None = None,
             progress: Progress | None = None) -> KnowledgeBase:
        kb = cls(home, settings, embedder or create_embedder(settings.embedding))
        kb.sync_vectors(progress)
        return kb

    def close(self) -> None:
        self.vectors.close()
        self.registry.close()

    # cached state ----------------------------------------------------------------------------------
    def _invalidate(self) -> None:
        with self._state_lock:
            self._drop_documents()
            self._seen = (None, None)

    def _drop_documents(self) -> None:
        """Documents changed: everything built from them is stale (the caller holds the state lock)."""
        self._documents = None
        self._lexical = None
        self._null = None
        self._references = None
        self._memory = None

    def _drop_memory(self) -> None:
        """Answered questions changed: only the memory's index is stale (not the documents, indexes, calibration)."""
        with self._state_lock:
            self._memory = None
            self._seen = (self._seen[0], None)

    def refresh(self) -> bool:
        """Drop the cached state (document map, BM25, calibrations, references, memory) that another process, or
        another KnowledgeBase on this home, made stale by adding or removing documents or answered questions
        since it was built; True if it did. One small query of the registry's generations (kb.registry), made
        at the start of each search and document listing."""
        now = self.registry.generations()
        with self._state_lock:
            seen, self._seen = self._seen, now
            if seen[0] != now[0]:
                self._drop_documents()
            elif seen[1] != now[1]:
                self._memory = None
            else:
                return False
        return True

    def document_map(self) -> dict[str, StoredDocument]:
        with self._state_lock:
            if self._documents is None:
                self._documents = {d.doc_id: d for d in self.registry.documents(include_superseded=True)}
            return self._documents

    def lexical(self) -> LexicalIndex:
        with self._state_lock:
            if self._lexical is None:
                rows = self.registry.active_unit_tokens()
                self._lexical = LexicalIndex(
                    [r[0] for r in rows], [r[1] for r in rows], [r[2].split(" ") if r[2] else [] for r in rows]
                )
            return self._lexical

    def references(self) -> ReferenceGraph:
        """Penalty articles by the articles they cite (built on first use, after every change)."""
        with self._state_lock:
            graph = self._references
        if graph is None:
            graph = ReferenceGraph(unit for _, unit in self.iter_units())
            with self._state_lock:
                self._references = graph
        return graph

    def memory(self) -> QuestionMemory:
        """The stored answered questions, indexed (built on first use, after every change)."""
        with self._state_lock:
            memory = self._memory
        if memory is None:
            memory = self.build_memory(self.registry.answered())
            with self._state_lock:
                self._memory = memory
        return memory

    def build_memory(self, entries: Sequence[AnsweredQuestion]) -> QuestionMemory:
        """An index of these answered questions: their vectors (as the dense search embeds a query), the units
        their citations name in the current versions, and how similar a query must be for one to vote:
        ``memory_z`` standard deviations above two unrelated questions — unrelated within the memory's own
        domain (remembered questions citing no common article), and never below unrelated everyday questions
        (kb.basis), as in a tiny memory. The votes' temperature is measured in the same standard deviations."""
        vectors = self._embed([self.retriever.dense_text(e.question) for e in entries], None, query=True)
        units = []
        for entry in entries:
            hits = (self.lookup(c) for c in entry.citations)
            units.append(tuple(dict.fromkeys(h.unit_id for h in hits if h is not None)))
        memory = QuestionMemory(entries, vectors, units)
        cfg = self.settings.retrieval
        unrelated = self._probe_calibration()
        floor = unrelated.threshold(cfg.memory_z)
        within = memory.unrelated_similarities()
        if len(within) >= MIN_UNRELATED_PAIRS:
            unrelated = calibrate(within)
            floor = max(floor, unrelated.threshold(cfg.memory_z))
        memory.floor = floor
        memory.temperature = cfg.memory_temperature * unrelated.std
        return memory

    def query_adapter(self) -> QueryAdapter | None:
        return self._adapter

    def ranker(self) -> LinearRanker:
        return self._ranker

    def basis_judge(self) -> BasisJudge | None:
        return self._judge

    def use_learned(self, adapter: QueryAdapter | None, ranker: LinearRanker, judge: BasisJudge | None) -> None:
        """Search with this query map, ranker and judge (evaluation folds, training) instead of the configured
        ones."""
        with self._state_lock:
            self._adapter = adapter
            self._ranker = ranker
            self._judge = judge
            self._null = None

    def use_memory(self, memory: QuestionMemory) -> None:
        """Search with this memory instead of the stored one until the next change (evaluation folds)."""
        self.refresh()
        with self._state_lock:
            self._memory = memory

    def forget_memory_override(self) -> None:
        """Search with the stored memory again (after ``use_memory``)."""
        with self._state_lock:
            self._memory = None

    def null_calibration(self, mapped: bool = False) -> NullCalibration:
        """Nearest-article similarity of off-topic questions in this knowledge base (see kb.basis); ``mapped``:
        with their vectors through the learned query map."""
        with self._state_lock:
            cached = self._null.get(mapped) if self._null else None
        if cached is None:
            probes = self._probe_vectors()
            if mapped and self._adapter is not None:
                probes = self._adapter(probes)
            active = {d.doc_id for d in self.document_map().values() if d.status is DocStatus.ACTIVE}
            nearest = []
            for vector in probes:
                found = self.vectors.query(vector, 20)
                nearest.extend([s for uid, s in found if uid.split("-", 1)[0] in active][:1])
            cached = calibrate(nearest)
            with self._state_lock:
                self._null = {**(self._null or {}), mapped: cached}
        return cached

    def _probe_vectors(self) -> np.ndarray:
        """The off-topic probes' query vectors (kb.basis), through the embedding cache (held in memory)."""
        with self._state_lock:
            probes = self._probes
        if probes is None:
            probes = self._embed(list(OFF_TOPIC_PROBES), None, query=True)
            with self._state_lock:
                self._probes = probes
        return probes

    def _probe_calibration(self) -> NullCalibration:
        """How similar two off-topic probes are (kb.basis.calibrate_questions), computed once."""
        with self._state_lock:
            calibration = self._probe_pairs
        if calibration is None:
            calibration = calibrate_questions(self._probe_vectors())
            with self._state_lock:
                self._probe_pairs = calibration
        return calibration

    def everyday_z(self, query_vector: np.ndarray) -> float:
        """How like an everyday question a query is: its similarity to the nearest off-topic probe, in standard
        deviations above the similarity of two probes (kb.basis; the model's own vectors)."""
        probes = self._probe_vectors()
        unrelated = self._probe_calibration()
        nearest = float(np.max(probes @ np.asarray(query_vector, np.float32)))
        return (nearest - unrelated.mean) / max(unrelated.std, 1e-6)

    def query_vectors(self, questions: Sequence[str]) -> np.ndarray:
        """The embedding model's own (unmapped) vectors of questions as the dense search embeds them, through
        the stored cache (and into the in-memory one the search uses)."""
        texts = [self.retriever.dense_text(q) for q in questions]
        vectors = self._embed(texts, None, query=True)
        for text, vector in zip(texts, vectors, strict=True):
            self._remember_query(text, vector)
        return vectors

    def query_vector(self, text: str) -> np.ndarray:
        """The model's vector of one query text (as embedded, see Retriever.dense_text), cached in memory."""
        with self._state_lock:
            vector = self._query_cache.get(text)
        if vector is None:
            vector = self.embedder.embed_query(text)
            self._remember_query(text, vector)
        return vector

    def _remember_query(self, text: str, vector: np.ndarray) -> None:
        with self._state_lock:
            if len(self._query_cache) >= QUERY_CACHE_SIZE:
                self._query_cache.pop(next(iter(self._query_cache)))
            self._query_cache[text] = vector

    def active_unit_ids(self) -> set[str]:
        active = {d.doc_id for d in self.document_map().values() if d.status is DocStatus.ACTIVE}
        return {uid for uid, doc_id in self.registry.all_unit_ids() if doc_id in active}

    def known_law_keys(self) -> set[str]:
        return {d.law_key for d in self.document_map().values()}

    # reading ---------------------------------------------------------------------------------------
    def documents(self, include_superseded: bool = False) -> list[StoredDocument]:
        self.refresh()
        docs = sorted(self.document_map().values(), key=lambda d: (d.meta.title, str(d.meta.version_date)))
        return [d for d in docs if include_superseded or d.status is DocStatus.ACTIVE]

    def document(self, doc_id: str) -> StoredDocument | None:
        return self.document_map().get(doc_id)

    def units(self, doc_id: str) -> list[StoredUnit]:
        return self.registry.units(doc_id)

    def iter_units(self, filters: SearchFilters | None = None) -> Iterator[tuple[StoredDocument, StoredUnit]]:
        for doc_id in sorted(self.allowed_docs(filters or SearchFilters())):
            doc = self.document_map()[doc_id]
            for unit in self.registry.units(doc_id):
                yield doc, unit

    def allowed_docs(self, filters: SearchFilters) -> set[str]:
        keys = {self.resolve_law(name) or law_key(name) for name in filters.laws}
        out = set()
        for doc in self.document_map().values():
            if doc.status is not DocStatus.ACTIVE and not filters.include_superseded:
                continue
            if keys and doc.law_key not in keys:
                continue
            if filters.levels and doc.meta.level not in filters.levels:
                continue
            if filters.validity and doc.meta.validity not in filters.validity:
                continue
            out.add(doc.doc_id)
        return out

    def resolve_law(self, name: str) -> str | None:
        """A law key stored in the KB for a title as written (full, short, 《》, common abbreviation)."""
        key = law_key(name)
        known = self.known_law_keys()
        if key in known:
            return key
        full = ABBREVIATIONS.get(key)
        if full in known:
            return full
        suffixes = [k for k in known if key.endswith(k)]
        return min(suffixes, key=lambda k: (-len(k), k)) if suffixes else None

    def active_document(self, key: str) -> StoredDocument | None:
        docs = [d for d in self.document_map().values() if d.law_key == key and d.status is DocStatus.ACTIVE]
        return docs[0] if docs else None

    def lookup(self, citation: Citation | str, include_superseded: bool = False) -> Hit | None:
        """The stored unit a citation names (``行政处罚法第33条`` or a Citation), or None."""
        if isinstance(citation, str):
            parsed = parse_citations(citation, self.known_law_keys())
            if not parsed:
                return None
            citation = parsed[0]
        if citation.unit_id is not None:
            hits = self.hits_for([(citation.unit_id, 1.0)], via="direct")
            if hits and (include_superseded or hits[0].document.status is DocStatus.ACTIVE):
                return hits[0]
        if citation.article is None:
            return None
        key = self.resolve_law(citation.law)
        if key is None:
            return None
        docs = [d for d in self.document_map().values() if d.law_key == key]
        docs.sort(key=lambda d: (d.status is not DocStatus.ACTIVE, -(d.meta.version_date or _MIN_DATE).toordinal()))
        if not include_superseded:
            docs = docs[:1] if docs and docs[0].status is DocStatus.ACTIVE else []
        for doc in docs:
            for stored in self.registry.units_by_number(doc.doc_id, citation.article):
                if stored.unit.label.endswith("条" + citation.article_suffix):
                    return Hit(unit_id=stored.unit_id, unit=stored.unit, document=doc, score=1.0, via="direct")
        return None

    def resolve(self, citation: Citation) -> Citation | None:
        """The citation completed with the stored title, unit id, version date and quote; None if absent."""
        hit = self.lookup(citation)
        if hit is None:
            return None
        base = hit.citation()
        return Citation(
            law=base.law, article=base.article, article_suffix=base.article_suffix, clause=citation.clause,
            item=citation.item, unit_id=base.unit_id, version_date=base.version_date, quote=base.quote,
            ocr=base.ocr,
        )

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> SearchResult:
        self.refresh()
        result = self.retriever.search(query, k, filters or SearchFilters())
        return self.settle_steps(result)

    def settle_steps(self, result: SearchResult) -> SearchResult:
        """Of a discretion benchmark's sibling rows, the step whose bounds hold the query's numbers
        (kb.benchmarks.settle_steps)."""
        hits = settle_steps(result.hits, result.query, self.registry.units, self.lookup,
                            lambda: sorted(self.known_law_keys()))
        return result if list(hits) == list(result.hits) else replace(result, hits=tuple(hits))

    def units_where(self, unit_ids: Iterable[str], predicate: Callable[[Unit], bool]) -> set[str]:
        """Those of the units for which ``predicate`` holds."""
        return {uid for uid, su in self.registry.units_by_ids(list(unit_ids)).items() if predicate(su.unit)}

    def hits_for(self, scored: Iterable[tuple[str, float]], via: Literal["direct", "hybrid"] = "hybrid") -> list[Hit]:
        scored = list(scored)
        stored = self.registry.units_by_ids([uid for uid, _ in scored])
        docs = self.document_map()
        return [
            Hit(unit_id=uid, unit=stored[uid].unit, document=docs[stored[uid].doc_id], score=score, via=via)
            for uid, score in scored
            if uid in stored and stored[uid].doc_id in docs
        ]

    # writing ---------------------------------------------------------------------------------------
    def add(self, doc: ParsedDocument, source_key: str, progress: Progress | None = None) -> AddOutcome:
        """Store one parsed document atomically.

        The same ``source_key`` with the same content hash is a no-op; with other content the earlier
        records are replaced. Among the versions of one law the one with the latest version date (then the
        latest stored) is active; the others stay stored, marked superseded, out of default search.
        """
        with self._write_lock:
            earlier = self.registry.documents_by_source(source_key)
            if any(d.content_hash == doc.content_hash for d in earlier):
                same = next(d for d in earlier if d.content_hash == doc.content_hash)
                return AddOutcome(doc.meta.title, "unchanged", same.doc_id, same.unit_count)
            doc_id = hashlib.sha256(f"{source_key}\n{doc.content_hash}".encode()).hexdigest()[:16]
            key = law_key(doc.meta.title)
            unit_ids = [f"{doc_id}-{i:05d}" for i in range(len(doc.units))]
            texts = [embedding_text(doc.meta.title, u) for u in doc.units]
            vectors = self._embed(texts, progress)
            metadatas = [{"doc_id": doc_id, "law_key": key, "level": doc.meta.level.value} for _ in doc.units]
            self.vectors.add(unit_ids, vectors, metadatas)
            try:
                with self.registry.transaction() as conn:
                    for old in earlier:
                        self.registry.delete_document(conn, old.doc_id)
                    self.registry.insert_document(
                        conn, doc_id, source_key, key, doc.meta, doc.content_hash,
                        [(uid, u, " ".join(tokenize(t))) for uid, u, t in zip(unit_ids, doc.units, texts, strict=True)],
                    )
                    superseded = self._settle_versions(conn, key)
            except BaseException:
                self.vectors.delete(unit_ids)
                raise
            finally:
                self._invalidate()
            self._drop_vectors_of(earlier)
            if doc_id in superseded:
                action: Literal["added", "replaced", "superseded-by-newer"] = "superseded-by-newer"
            else:
                action = "replaced" if earlier else "added"
            return AddOutcome(doc.meta.title, action, doc_id, len(doc.units), tuple(sorted(superseded - {doc_id})))

    def _settle_versions(self, conn: sqlite3.Connection, key: str) -> set[str]:
        rows = conn.execute(
            "SELECT doc_id FROM documents WHERE law_key = ? ORDER BY COALESCE(version_date, '') DESC, "
            "ingested_at DESC, rowid DESC", (key,)).fetchall()
        ids = [r[0] for r in rows]
        for i, doc_id in enumerate(ids):
            self.registry.set_status(conn, doc_id, DocStatus.ACTIVE if i == 0 else DocStatus.SUPERSEDED)
        return set(ids[1:])

    def _drop_vectors_of(self, docs: Iterable[StoredDocument]) -> None:
        for old in docs:
            self.vectors.delete([f"{old.doc_id}-{i:05d}" for i in range(old.unit_count)])

    def remove(self, doc_id_or_title: str) -> list[StoredDocument]:
        """Delete a document (by id) or every version of a law (by title); the next version takes over."""
        with self._write_lock:
            docs = self.document_map()
            if doc_id_or_title in docs:
                targets = [docs[doc_id_or_title]]
            else:
                key = self.resolve_law(doc_id_or_title)
                targets = [d for d in docs.values() if key and d.law_key == key]
            if not targets:
                return []
            with self.registry.transaction() as conn:
                for doc in targets:
                    self.registry.delete_document(conn, doc.doc_id)
                for key in {d.law_key for d in targets}:
                    self._settle_versions(conn, key)
            self._invalidate()
            self._drop_vectors_of(targets)
            return targets

    def remember(self, entries: Sequence[AnsweredQuestion]) -> int:
        """Store answered questions (kb.memory); returns how many were new."""
        with self._write_lock:
            added = self.registry.add_answered(entries)
            self._drop_memory()
            return added

    def forget(self, source: str | None = None) -> int:
        """Delete the answered questions of one source, or all; returns how many."""
        with self._write_lock:
            removed = self.registry.forget_answered(source)
            self._drop_memory()
            return removed

    def _embed(self, texts: list[str], progress: Progress | None, query: bool = False) -> np.ndarray:
        """Vectors of passages (or, with ``query``, of queries), through the cache."""
        hashes = [text_hash(f"query: {t}" if query else t) for t in texts]
        cached = self.registry.cached_vectors(self.embedder.name, hashes)
        todo = sorted({h: i for i, h in enumerate(hashes) if h not in cached}.items(), key=lambda x: x[1])
        total = len(texts)
        done = total - len(todo)
        if progress:
            progress(done, total, "embedding")
        step = 64
        for start in range(0, len(todo), step):
            part = todo[start : start + step]
            if query:
                vectors = np.vstack([self.embedder.embed_query(texts[i]) for _, i in part])
            else:
                vectors = self.embedder.embed_passages([texts[i] for _, i in part])
            fresh = {h: v for (h, _), v in zip(part, vectors, strict=True)}
            self.registry.cache_vectors(self.embedder.name, fresh)
            cached.update(fresh)
            done += len(part)
            if progress:
                progress(done, total, "embedding")
        if not texts:
            return np.zeros((0, self.embedder.dim), np.float32)
        return np.vstack([cached[h] for h in hashes]).astype(np.float32)

    def sync_vectors(self, progress: Progress | None = None) -> int:
        """Embed units the vector store lacks (after a model change or a crash); drop vectors of no unit."""
        with self._write_lock:
            rows = self.registry.all_unit_ids()
            if self.vectors.count() == len(rows):
                return 0
            have = self.vectors.ids()
            wanted = {uid for uid, _ in rows}
            orphans = sorted(have - wanted)
            if orphans:
                self.vectors.delete(orphans)
            missing = [(uid, doc_id) for uid, doc_id in rows if uid not in have]
            if not missing:
                return 0
            docs = self.document_map()
            stored = self.registry.units_by_ids([uid for uid, _ in missing])
            texts = [embedding_text(docs[d].meta.title, stored[u].unit) for u, d in missing]
            vectors = self._embed(texts, progress)
            self.vectors.add(
                [u for u, _ in missing], vectors,
                [{"doc_id": d, "law_key": docs[d].law_key, "level": docs[d].meta.level.value} for _, d in missing],
            )
            return len(missing)


def learned_file(setting: str, bundled: Path) -> Path | None:
    """The file a learned-part setting names: '' none, 'bundled' the shipped one (none if it is absent), else a
    path."""
    if not setting:
        return None
    if setting == "bundled":
        return bundled if bundled.is_file() else None
    return Path(setting).expanduser()


def load_adapter(setting: str, embedder: str) -> QueryAdapter | None:
    """The configured query map, if it was fitted for this embedding model (a map of another model's vectors
    would only distort them: it is skipped, with a warning)."""
    path = learned_file(setting, BUNDLED_ADAPTER)
    if path is None:
        return None
    try:
        adapter = QueryAdapter.load(path)
    except AdapterError as exc:
        raise ValueError(f"kb.retrieval.query_adapter: {exc}") from exc
    if adapter.embedder != embedder:
        if setting != "bundled":
            log.warning("query adapter %s was fitted for %s, not %s: not used", path, adapter.embedder, embedder)
        return None
    return adapter


def plain_fusion() -> LinearRanker:
    """A ranker without learning: the dense and the lexical ranks, as reciprocal-rank fusion adds them."""
    weights = np.array([1.0 if name == "dense_rr" else 1.5 if name == "lexical_rr" else 0.0 for name in FEATURES])
    return LinearRanker(weights, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), FEATURES, {"plain": True})


def load_ranker(setting: str) -> LinearRanker:
    path = learned_file(setting, BUNDLED_RANKER)
    if path is None:
        return plain_fusion()
    try:
        return LinearRanker.load(path)
    except RankerError as exc:
        raise ValueError(f"kb.retrieval.ranker: {exc}") from exc


def load_judge(setting: str) -> BasisJudge | None:
    path = learned_file(setting, BUNDLED_JUDGE)
    if path is None:
        return None
    try:
        return BasisJudge.load(path)
    except JudgeError as exc:
        raise ValueError(f"kb.retrieval.basis_judge: {exc}") from exc
