"""Settings of the answer engine and its optional LLM."""

from __future__ import annotations

from pydantic import Field, SecretStr

from kb.config import StrictModel


class LLMSettings(StrictModel):
    base_url: str = Field(
        "", description="OpenAI-compatible endpoint (vLLM, Ollama, DeepSeek, Qwen); empty: no LLM."
    )
    model: str = Field("", description="Model name the endpoint serves.")
    api_key: SecretStr = Field(SecretStr("not-needed"), description="API key, if the endpoint wants one.")
    timeout_s: float = Field(60.0, gt=0)
    temperature: float = Field(0.1, ge=0)
    max_tokens: int = Field(1024, ge=16)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class ChatSettings(StrictModel):
    llm: LLMSettings = LLMSettings()
    top_k: int = Field(6, ge=1, description="Retrieved articles an answer draws on.")
    candidates: int = Field(
        18,
        ge=1,
        description="Articles retrieved before the answer engine picks its top_k by their best sentence.",
    )
    cite_search_first: bool = Field(
        True,
        description="The search's first article (the learned ranker's best) is quoted among the claims, when drawn on, "
        "when one of its sentences holds a word of the question or what it asks for.",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are cut to this length.")
    history_turns: int = Field(3, ge=0, description="Earlier turns a follow-up question may use.")
