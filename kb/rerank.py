"""Optional cross-encoder reranking (sentence-transformers), loaded offline only when configured."""

from __future__ import annotations

from collections.abc import Sequence

from kb.settings import RerankerSettings


class CrossEncoderReranker:
    def __init__(self, settings: RerankerSettings) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(settings.model, device=settings.device, local_files_only=True)

    def score(self, query: str, passages: Sequence[str]) -> list[float]:
        if not passages:
            return []
        return [float(s) for s in self._model.predict([(query, p) for p in passages], show_progress_bar=False)]
