"""Questions for the contest tests, built directly (real article citations, made-up but plausible stems)."""

from __future__ import annotations

from kb.models import Citation
from quiz.models import Question

FORCE = "中华人民共和国行政强制法"
ROAD = "中华人民共和国公路法"


def single(n: int, law: str = FORCE, difficulty: int = 1, qid: int | None = None) -> Question:
    return Question(
        type="single", stem=f"第{n}题：行政机关申请（  ）强制执行，不缴纳申请费。", answer="C",
        options={"A": "审计机关", "B": "人民检察院", "C": "人民法院", "D": "监察机关"},
        explanation="依据《中华人民共和国行政强制法》第六十条：“行政机关申请人民法院强制执行，不缴纳申请费。”",
        sources=(Citation(law=law, article=60),), law=law, difficulty=difficulty, id=qid,
    )


def judge(n: int, law: str = ROAD, difficulty: int = 1, qid: int | None = None) -> Question:
    return Question(
        type="judge", stem=f"第{n}题：公路养护人员进行养护作业时应当穿着统一的安全标志服。", answer=True,
        explanation="依据《中华人民共和国公路法》第三十三条。", sources=(Citation(law=law, article=33),), law=law,
        difficulty=difficulty, id=qid,
    )


def multi(n: int, law: str = FORCE, difficulty: int = 2, qid: int | None = None) -> Question:
    return Question(
        type="multi", stem=f"第{n}题：行政强制措施的种类包括（  ）。", answer="ABC",
        options={"A": "限制公民人身自由", "B": "查封场所、设施或者财物", "C": "扣押财物", "D": "罚款"},
        explanation="依据《中华人民共和国行政强制法》第九条。", sources=(Citation(law=law, article=9),), law=law,
        difficulty=difficulty, id=qid,
    )


def blank(n: int, law: str = FORCE, difficulty: int = 2, qid: int | None = None) -> Question:
    return Question(
        type="blank", stem=f"第{n}题：查封、扣押的期限不得超过____。", answer="三十日",
        explanation="依据《中华人民共和国行政强制法》第二十五条。", sources=(Citation(law=law, article=25),),
        law=law, difficulty=difficulty, id=qid,
    )


def short(n: int, law: str = FORCE, difficulty: int = 3, qid: int | None = None) -> Question:
    return Question(
        type="short", stem=f"第{n}题：简述行政强制的原则。", answer="合法、适当、教育与强制相结合。",
        explanation="依据《中华人民共和国行政强制法》第四条至第六条。", sources=(Citation(law=law, article=4),),
        law=law, difficulty=difficulty, key_points=("合法", "适当", "教育与强制相结合"), id=qid,
    )


def numbered(count: int, start: int = 1) -> list[Question]:
    """``count`` 单选 questions with ids start, start+1, …"""
    return [single(start + i, qid=start + i) for i in range(count)]
