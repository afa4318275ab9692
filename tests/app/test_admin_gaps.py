"""The 管理 page lists the documents enforcement rests on that the knowledge base lacks or holds old."""

from datetime import date

from kb.coverage import CoverageGap, FoundationDocument, GapKind
from kb.models import Level
from xuefa.app.admin_tab import gaps_html

ROAD_RULE = FoundationDocument("公路安全保护条例", Level.ADMIN_REGULATION, version_date=date(2011, 3, 7))
FREIGHT = FoundationDocument("道路货物运输及站场管理规定", Level.DEPARTMENT_RULE, version_date=date(2022, 9, 26))


def test_each_gap_is_listed_with_its_level_and_current_version() -> None:
    html = gaps_html([CoverageGap(ROAD_RULE, GapKind.ABSENT),
                      CoverageGap(FREIGHT, GapKind.OLDER, held_version=date(2019, 6, 20))])
    assert "缺少或版本较旧的有 2 部" in html
    assert "公路安全保护条例" in html and "缺少 · 现行为2011-03-07 版" in html
    assert "知识库为2019-06-20 版，现行为2022-09-26 版" in html


def test_nothing_is_shown_when_nothing_is_missing() -> None:
    assert gaps_html([]) == ""
