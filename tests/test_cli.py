"""The `xuefa` command end to end on real files, a real Chroma and the bundled embedding model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from xuefa.cli import cli

pytestmark = pytest.mark.xdist_group("kb")

RULE_V1 = """# 公路超限检测站管理示例规定

2011年6月24日交通运输部令2011年第7号公布

## 第一章 总则

第一条 为了加强公路超限检测站的管理，制定本规定。

第二条 超限检测站应当悬挂标志，公示检测标准和处理程序。

## 第二章 处罚

第三条 车辆超限运输拒不接受检测的，由公路管理机构处三万元以下的罚款。

第四条 超限运输车辆的当事人应当自行卸载；拒不卸载的，公路管理机构可以依法扣留车辆。
"""

RULE_V2 = RULE_V1.replace("2011年6月24日交通运输部令2011年第7号公布",
                          "2011年6月24日交通运输部令2011年第7号公布\n\n2021年8月11日交通运输部令2021年第12号修正")
RULE_V2 = RULE_V2.replace("三万元以下", "五万元以下")


def run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    (folder / "rule.md").write_text(RULE_V1, encoding="utf-8")
    (folder / "notice-gbk.txt").write_bytes(
        "关于开展执法练兵的通知\n\n一、工作目标\n\n各执法单位要组织执法人员学习法律法规，每年培训不少于六十学时。\n\n"
        "二、工作要求\n\n各单位要按照应知应会清单组织考试，考试不合格的应当补考。\n".encode("gb18030"))
    (folder / "empty.md").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>>\n")
    (folder / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    return folder


def test_ingest_reports_each_bad_file_and_stores_the_rest(home: Path, files: Path) -> None:
    code, out = run(home, "ingest", str(files), str(files / "table.xls"))
    assert code == 1
    assert "2 of 5 files stored" in out
    assert "empty.md" in out and "broken.pdf" in out and "table.xls" in out
    code, out = run(home, "laws", "--json")
    laws = {d["title"]: d for d in json.loads(out)}
    assert laws["公路超限检测站管理示例规定"]["units"] == 4
    assert laws["公路超限检测站管理示例规定"]["level"] == "部门规章"
    assert laws["关于开展执法练兵的通知"]["level"] == "规范性文件"


def test_search_show_and_unchanged_reingest(home: Path, files: Path) -> None:
    code, out = run(home, "search", "车主拒不卸载能扣车吗", "--json")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits[0]["article"] == "第四条"
    code, out = run(home, "show", "公路超限检测站管理示例规定第3条")
    assert code == 0 and "三万元以下" in out
    code, out = run(home, "show", "公路超限检测站管理示例规定第30条")
    assert code != 0 and "not in the knowledge base" in out
    code, out = run(home, "ingest", str(files / "rule.md"))
    assert code == 0 and "unchanged" in out


def test_laws_missing_lists_the_foundation_documents_absent_or_outdated(home: Path, tmp_path: Path) -> None:
    foundation = tmp_path / "foundation.tsv"
    foundation.write_text(
        "title\tlevel\tissuing_body\tversion_date\tsource\ttopics\n"
        "公路超限检测站管理示例规定\t部门规章\t交通运输部\t2021-08-11\t\t超限\n"
        "关于开展执法练兵的通知\t规范性文件\t\t\t\t\n"
        "公路安全保护条例\t行政法规\t国务院\t2011-03-07\t\t超限;卸载\n", encoding="utf-8")
    config = tmp_path / "settings.yaml"
    config.write_text(f"kb:\n  foundation: {foundation}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "--config", str(config), "laws", "--missing", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.output) == [
        {"title": "公路超限检测站管理示例规定", "level": "部门规章", "kind": "older", "version_date": "2021-08-11",
         "held_version": "2011-06-24"},
        {"title": "公路安全保护条例", "level": "行政法规", "kind": "absent", "version_date": "2011-03-07",
         "held_version": None},
    ]
    result = CliRunner().invoke(cli, ["--home", str(home), "--config", str(config), "laws", "--missing"])
    assert "缺少  公路安全保护条例" in result.output and "2 documents missing or outdated" in result.output


def test_newer_version_supersedes_and_eval_contract(home: Path, tmp_path: Path) -> None:
    newer = tmp_path / "rule-2021.md"
    newer.write_text(RULE_V2, encoding="utf-8")
    code, out = run(home, "ingest", str(newer))
    assert code == 0 and "supersedes 1 older" in out
    code, out = run(home, "show", "公路超限检测站管理示例规定第三条")
    assert "五万元以下" in out and "2021-08-11" in out
    code, out = run(home, "laws", "--all", "--json")
    assert sorted(d["status"] for d in json.loads(out)) == ["active", "active", "superseded"]

    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "1", "question": "拒不接受超限检测罚多少", "also": [],
         "gold": [{"law": "《公路超限检测站管理示例规定》", "article": "第三条"}]},
        {"id": "2", "question": "个人所得税专项附加扣除包括哪些项目？", "gold": [], "also": []},
    ]), encoding="utf-8")
    code, out = run(home, "eval", str(questions), "--json")
    metrics = json.loads(out)
    for key in ("queries", "hit@1", "hit@5", "hit@10", "recall@1", "recall@5", "recall@10", "mrr@10",
                "p50_ms", "p95_ms", "out_of_scope", "refusal_rate"):
        assert key in metrics
    assert metrics["hit@5"] == 1.0 and metrics["out_of_scope"] == 1 and metrics["refusal_rate"] == 1.0

    code, out = run(home, "remove", "公路超限检测站管理示例规定")
    assert code == 0 and out.count("removed") == 2


def test_memory_add_list_forget_and_eval_without_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rule = tmp_path / "rule.md"
    rule.write_text(RULE_V1, encoding="utf-8")
    assert run(home, "ingest", str(rule))[0] == 0
    faq = tmp_path / "faq.jsonl"
    faq.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "1", "question": "司机不肯卸货怎么办？", "split": "train",
         "gold": [{"law": "公路超限检测站管理示例规定", "article": "第四条"}]},
        {"id": "2", "question": "检测站门口要挂什么？", "split": "dev",
         "gold": [{"law": "公路超限检测站管理示例规定", "article": "第二条"}]},
        {"id": "3", "question": "个人所得税怎么交？", "gold": []},
    ]), encoding="utf-8")
    checklist = tmp_path / "清单.md"
    checklist.write_text("# 超限检测应知应会\n\n## 一、处罚\n\n问：拒绝超限检测的罚款上限是多少？\n答：三万元。\n"
                         "依据：《公路超限检测站管理示例规定》第三条\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.7\n")

    code, out = run(home, "memory", "add", str(faq), "--split", "train")
    assert code == 0 and "faq.jsonl: 1 questions, 1 new" in out
    code, out = run(home, "memory", "add", str(checklist), str(faq), str(tmp_path / "notes.pdf"))
    assert code == 1  # the PDF is no questions file; the other two are stored all the same
    assert "清单.md: 1 questions, 1 new" in out and "faq.jsonl: 2 questions, 1 new" in out and "notes.pdf" in out
    code, out = run(home, "memory", "list", "--json")
    assert json.loads(out) == {"faq.jsonl": 2, "清单：超限检测应知应会": 1}

    code, out = run(home, "eval", str(faq), "--json")
    assert json.loads(out)["memory"] == 3
    code, out = run(home, "eval", str(faq), "--json", "--no-memory")
    assert json.loads(out)["memory"] == 0

    exported = tmp_path / "remembered.jsonl"
    code, out = run(home, "memory", "export", str(exported))
    assert code == 0 and "remembered.jsonl: 3 questions" in out
    from kb.evaluate import load_questions

    back = {q.question: q for q in load_questions(exported)}
    assert set(back) == {"司机不肯卸货怎么办？", "检测站门口要挂什么？", "拒绝超限检测的罚款上限是多少？"}
    assert [(g.law, g.article) for g in back["拒绝超限检测的罚款上限是多少？"].gold] == [
        ("公路超限检测站管理示例规定", "第三条")]
    assert len({q.id for q in back.values()}) == 3, "every exported question has an id of its own"
    code, out = run(home, "eval", str(exported), "--json", "--no-memory")
    assert code == 0 and json.loads(out)["queries"] == 3, "an exported file is a questions file"
    code, out = run(home, "memory", "export", str(exported), "--source", "faq.jsonl")
    assert code == 0 and "2 questions" in out and len(load_questions(exported)) == 2
    code, out = run(home, "memory", "export", str(tmp_path / "no-such-folder" / "out.jsonl"))
    assert code == 1 and "no-such-folder" in out

    code, out = run(home, "memory", "forget", "--source", "faq.jsonl")
    assert code == 0 and "forgot 2" in out
    assert json.loads(run(home, "memory", "list", "--json")[1]) == {"清单：超限检测应知应会": 1}


def test_memory_review_confirms_or_dismisses_thumbs_up_answers(tmp_path: Path) -> None:
    from chat.feedback import FeedbackStore
    from chat.models import Answer
    from kb.models import Citation

    home = tmp_path / "home"
    rule = tmp_path / "rule.md"
    rule.write_text(RULE_V1, encoding="utf-8")
    assert run(home, "ingest", str(rule))[0] == 0
    store = FeedbackStore(home / "feedback.sqlite")
    law = "公路超限检测站管理示例规定"
    unload = store.record(Answer(question="司机不肯卸货怎么办？", text="可以扣留车辆。", grounded=True,
                                 citations=(Citation(law=law, article=4, unit_id="x"),)), "up")
    sign = store.record(Answer(question="检测站门口要挂什么？", text="标志。", grounded=True,
                               citations=(Citation(law=law, article=2, unit_id="y"),)), "up")

    code, out = run(home, "memory", "review", "--json")
    assert code == 0 and [(r["id"], r["citations"]) for r in json.loads(out)] == [
        (sign, [f"《{law}》第二条"]), (unload, [f"《{law}》第四条"])]
    code, out = run(home, "memory", "review", "--remember", str(unload), "--dismiss", str(sign),
                    "--dismiss", "999")
    assert code == 0 and "remembered 1, dismissed 1" in out and "1 ID(s) were not awaiting review" in out
    assert json.loads(run(home, "memory", "list", "--json")[1]) == {"答疑反馈": 1}
    assert "no 👍 answer awaits review" in run(home, "memory", "review")[1]
    code, out = run(home, "search", "司机不肯卸货怎么办？", "--json")
    first = json.loads(out)["hits"][0]
    assert first["article"] == "第四条" and first["memory_share"], "the confirmed answer is remembered"


def test_eval_cross_fitted_by_folds_and_per_type(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rule = tmp_path / "rule.md"
    rule.write_text(RULE_V1, encoding="utf-8")
    assert run(home, "ingest", str(rule))[0] == 0
    law = "公路超限检测站管理示例规定"
    asked = [("拒不接受超限检测罚多少钱？", "第三条", "penalty"), ("不接受检测的车怎么处罚？", "第三条", "penalty"),
             ("司机不肯卸货怎么办？", "第四条", "procedure"), ("超限车辆拒不卸载能扣车吗？", "第四条", "procedure"),
             ("检测站门口要挂什么？", "第二条", "lookup"), ("检测站要公示哪些内容？", "第二条", "lookup"),
             ("这个规定是为了什么制定的？", "第一条", "lookup"), ("制定本规定的目的是什么？", "第一条", "lookup")]
    rows = [{"id": f"q{i}", "question": q, "type": t, "gold": [{"law": law, "article": a}]}
            for i, (q, a, t) in enumerate(asked)]
    rows += [{"id": "o1", "question": "个人所得税怎么交？", "gold": [], "type": "out_of_scope"},
             {"id": "o2", "question": "红烧肉怎么做？", "gold": [], "type": "out_of_scope"}]
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    code, out = run(home, "eval", str(questions), "--json", "--folds", "2")
    assert code == 0
    metrics = json.loads(out.strip().splitlines()[-1])
    assert metrics["folds"] == 2 and metrics["queries"] == 8 and metrics["out_of_scope"] == 2
    assert set(metrics["by_type"]) == {"penalty", "procedure", "lookup", "out_of_scope"}
    assert metrics["by_type"]["penalty"]["questions"] == 2
    code, out = run(home, "eval", str(questions), "--json")
    assert "folds" not in json.loads(out) and json.loads(out)["queries"] == 8


def test_ingest_of_a_benchmark_lists_the_cited_articles_the_kb_lacks(tmp_path: Path) -> None:
    from tests.benchmark_tables import write_two_row_header_xlsx

    table = write_two_row_header_xlsx(tmp_path / "裁量基准.xlsx")
    code, out = run(tmp_path / "home", "ingest", str(table))
    assert code == 0
    assert "not in the kb" in out and "《中华人民共和国公路法》" in out
