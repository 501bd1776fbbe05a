"""Shapes the seeds do not show but other cities print: section rows in a table, 牵头/配合 brackets,
units on their own line, a progress table, a Markdown table in Traditional Chinese, one cell per line."""
from pathlib import Path

from duban.extract import extract, extract_text

SAMPLES = Path(__file__).parent / "samples"


def tasks(name):
    plan = extract(SAMPLES / name)
    return plan, {t.number: t for t in plan.tasks}


def quantities(items):
    return [(q.value, q.unit, q.qualifier) for q in items]


def test_table_broken_by_section_lines():
    plan, t = tasks("table_with_sections.txt")
    assert (plan.title, plan.year, plan.kind) == ("2025年市民生实事项目责任分工表", 2025, "plan")
    assert [t[n].section for n in "1234"] == ["一、就业创业", "一、就业创业", "二、教育医疗", "二、教育医疗"]
    assert t["1"].co_units == ["市财政局", "各区(市)人民政府"]
    assert quantities(t["3"].targets) == [(20, "所", "="), (24000, "个", "~")]
    assert [(str(m.due), quantities(m.targets)) for m in t["3"].milestones] == [
        ("2025-09-30", [(10, "所", "=")]), ("2025-12-31", [(20, "所", "=")])]
    assert quantities(t["4"].targets) == [(300000, "剂次", "="), (1200, "张", "=")]  # 60岁以上 is an age
    assert [str(m.due) for m in t["2"].milestones] == ["2025-12-31"]


def test_numbered_tasks_with_subsections_and_unit_lines():
    plan, t = tasks("numbered_subsections.txt")
    assert plan.year == 2024 and len(t) == 4
    # A task sits under its innermost heading; one directly under a top-level heading takes that.
    assert t["1"].section == "(一)推动消费提质扩容" and t["3"].section == "(二)扩大有效投资"
    assert t["4"].section == "二、建设现代化产业体系"
    assert (t["1"].lead_units, t["1"].co_units) == (["市商务局"], ["市文化和旅游局", "各区(市)政府"])
    assert (t["2"].lead_units, t["2"].co_units) == (["市商务局"], ["市住房城乡建设局", "市自然资源和规划局"])
    assert (t["3"].lead_units, t["3"].co_units) == (["市发展改革委"], ["市财政局", "市自然资源和规划局"])
    assert t["2"].content == "新增城市一刻钟便民生活圈10个。"
    assert quantities(t["3"].targets) == [(600, "个", ">="), (150000000000, "元", "=")]
    assert quantities(t["1"].targets) == [(300, "场", ">="), (6, "%", "~")]


def test_progress_table_takes_its_date_from_the_title_or_the_text():
    plan, t = tasks("progress_table.txt")
    assert plan.kind == "progress"
    p = t["1"].progress[0]
    assert str(p.as_of) == "2024-09-30"
    assert [(v.value, v.unit, v.percent) for v in p.values] == [(362, "个", 103.4), (210, "个", None)]
    assert (t["2"].lead_units, t["2"].co_units) == (["市城市管理局", "各区(市)政府"], [])
    assert [(v.value, v.percent) for v in t["2"].progress[0].values] == [(15600, 78)]


def test_markdown_table_in_traditional_chinese():
    plan, t = tasks("pipe_traditional.txt")
    assert plan.title == "2024年市办实事项目清单"
    assert t["1"].content == "建设城市书房10处,新增图书50万册。"
    assert (t["2"].lead_units, t["2"].co_units) == (["市交通运输局"], ["各区(市)政府"])
    assert quantities(t["2"].targets) == [(200, "公里", ">=")]


def test_table_arriving_one_cell_per_line():
    plan, t = tasks("one_cell_per_line.txt")
    assert len(t) == 2
    assert t["2"].lead_units == ["市城市管理局", "市消防救援支队"]
    assert quantities(t["2"].targets) == [(10000, "个", "=")]


def test_a_number_the_grammar_cannot_place_becomes_a_finding():
    plan = extract_text("2024年重点任务\n1.建设示范点15个,储备资金500。(责任单位:市财政局)\n")
    unknown = [f for f in plan.findings if f.code == "unknown_number"]
    assert len(unknown) == 1 and "500" in unknown[0].message and unknown[0].task == "1"
    assert quantities(plan.tasks[0].targets) == [(15, "个", "=")]
