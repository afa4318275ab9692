from __future__ import annotations

from kb.lexicon import asks_for_penalty, expand, terms_of_art


def test_terms_of_art_reach_both_searches_and_colloquial_words_only_the_lexical_one() -> None:
    assert "不予行政处罚" in terms_of_art("首违不罚适用于哪些情形？")
    assert terms_of_art("签字的人不在场怎么办？") == []
    assert {"签名", "见证人"} <= set(expand("签字的人不在场怎么办？"))
    assert expand("首违不罚")[:1] == ["初次违法"]


def test_question_intents() -> None:
    assert asks_for_penalty("有人在桥下搭棚，按哪条处罚？")
    assert not asks_for_penalty("公路用地的范围是多少？")


