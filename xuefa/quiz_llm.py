"""The language model the quiz's 简答/案例分析 generators call: the chat package's OpenAI-compatible client
behind the plain ``complete(prompt) -> str`` the quiz asks for (the quiz never imports chat).
"""

from __future__ import annotations

from chat.llm import ChatMessage, LLMError, OpenAICompatibleClient
from chat.settings import LLMSettings
from quiz.generation.generators.llm import CompletionError

SYSTEM = "你是严谨的交通运输行政执法考试命题人，只依据给出的法律条文命题，按要求只输出JSON。"
NEEDS_LLM = (
    "简答题和案例分析题需要大语言模型，但没有配置：请在设置文件中填写 chat.llm.base_url 和 chat.llm.model"
    "（或设置环境变量，例如 XUEFA_CHAT__LLM__BASE_URL=http://127.0.0.1:8000/v1 "
    "XUEFA_CHAT__LLM__MODEL=qwen2.5-7b-instruct）。"
)


class QuizLLM:
    """``complete(prompt)``: the model's whole reply; CompletionError when the endpoint fails."""

    def __init__(self, settings: LLMSettings) -> None:
        self.client = OpenAICompatibleClient(settings)

    def __call__(self, prompt: str) -> str:
        try:
            return "".join(self.client.stream_chat([ChatMessage("system", SYSTEM), ChatMessage("user", prompt)]))
        except LLMError as exc:
            raise CompletionError(str(exc)) from exc

    def close(self) -> None:
        self.client.close()


def quiz_llm(settings: LLMSettings) -> QuizLLM | None:
    """The model the settings configure, or None when none is (then short/case cannot be generated)."""
    return QuizLLM(settings) if settings.enabled else None
