"""Spreadsheets both ways: the plan exported in the layout of the plan tables comes back through
`duban import` as the same ledger; a unit's progress template is filled and read back, every problem
named by its row, all or nothing."""
import io
from datetime import date, datetime

import openpyxl
import pytest

from duban.core.models import AuditEntry
from duban.errors import TemplateProblems
from duban.ledger.importer import import_bytes, import_file
from duban.ledger.models import (
    Checkpoint,
    Finding,
    Indicator,
    Milestone,
    Observation,
    Plan,
    ProgressReport,
    Responsibility,
    Section,
    SourceDocument,
    StatusChange,
    Task,
    Unit,
    UnitAlias,
)
from duban.ledger.services import get_task, record_progress
from duban.ledger.spreadsheet import (
    TEMPLATE_HEADERS,
    export_plan_xlsx,
    group_rows,
    progress_template_xlsx,
    read_progress_template,
)
from duban.ledger.units import get_unit
from tests.conftest import seed

pytestmark = pytest.mark.django_db


def ledger_of(plan: Plan) -> dict:
    """Everything the plan table says, by value (no ids): tasks, units with roles, indicators,
    milestones and checkpoints."""
    tasks = []
    for t in plan.tasks.order_by("order"):
        tasks.append({
            "number": t.number, "title": t.title, "content": t.content, "domain": t.domain,
            "section": t.section.title if t.section else "",
            "units": [(r.unit.name, r.role) for r in t.responsibilities.order_by("role", "order")],
            "indicators": [(i.metric, i.target, i.unit, i.qualifier, i.implied, i.cumulative, i.higher_is_better)
                           for i in t.indicators.order_by("order")],
            "milestones": [(m.due, m.text) for m in t.milestones.order_by("order")],
            "checkpoints": sorted((c.indicator.metric, c.indicator.unit, c.milestone.due, c.value, c.qualifier)
                                  for c in Checkpoint.objects.filter(indicator__task=t)),
        })
    return {"plan": (plan.city, plan.year, plan.genre, plan.title), "tasks": tasks}


def empty_the_ledger() -> None:
    """A fresh database, as far as the ledger goes."""
    for model in (Checkpoint, Observation, ProgressReport, Milestone, Indicator, Responsibility, Finding,
                  StatusChange, AuditEntry, Task, Section, Plan, SourceDocument, UnitAlias, Unit):
        model.objects.all().delete()


def exported(plan, **kw) -> bytes:
    out = io.BytesIO()
    export_plan_xlsx(plan, out, **kw)
    return out.getvalue()


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_the_exported_plan_reimports_into_a_fresh_ledger_unchanged(seeds, prefix):
    plan = Plan.objects.get(pk=import_file(seed(seeds, prefix)).plan_id)
    before = ledger_of(plan)
    assert sum(len(t["milestones"]) for t in before["tasks"]) > 40  # 000: 62, 004: 44 — the schedule is there
    assert any(t["checkpoints"] for t in before["tasks"])
    data = exported(plan)
    empty_the_ledger()
    summary = import_bytes(data, f"{prefix}-export.xlsx")
    assert summary.outcome == "created" and summary.findings == 0
    assert ledger_of(Plan.objects.get(pk=summary.plan_id)) == before


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_the_export_reimports_into_the_same_ledger_as_no_change(seeds, prefix):
    plan = Plan.objects.get(pk=import_file(seed(seeds, prefix)).plan_id)
    before = ledger_of(plan)
    summary = import_bytes(exported(plan), f"{prefix}-export.xlsx")
    assert (summary.outcome, summary.plan_id, summary.changes) == ("updated", plan.pk, [])
    assert ledger_of(Plan.objects.get(pk=plan.pk)) == before


def test_the_export_is_laid_out_like_the_plan_tables(seeds):
    plan = Plan.objects.get(pk=import_file(seed(seeds, "000")).plan_id)
    ws = openpyxl.load_workbook(io.BytesIO(exported(plan))).active
    assert ws["A1"].value == "2023年市办实事项目责任分工与实施计划一览表"
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}  # the title, across the table
    assert [c.value for c in ws[2]] == ["序号", "实施内容", "牵头单位", "协办单位", "实施计划",
                                        "截至日期", "进展情况", "完成值", "占年计划", "状态"]
    first = [c.value for c in ws[3]]
    assert first[:4] == ["1", "实现城镇新增就业35万人以上,创设城乡公益性岗位3.7万个以上,扶持创业3万人以上",
                         "市人力资源社会保障局", "市农业农村局、市财政局、各区(市)政府"]
    assert first[4].startswith("3月底前,城镇新增就业5.5万人,扶持创业6000人,创设城乡公益性岗位2万个。 6月底前,城镇新增就业17万人")
    assert first[4].endswith(" 12月底前,全面完成目标任务。")
    assert ws.freeze_panes == "B3"
    assert ws["B3"].alignment.wrap_text and ws.column_dimensions["B"].width == 50


def test_the_progress_columns_show_the_latest_report_and_status(seeds):
    plan = Plan.objects.get(pk=import_file(seed(seeds, "002")).plan_id)
    ws = openpyxl.load_workbook(io.BytesIO(exported(plan, as_of=date(2024, 11, 30)))).active
    head = [c.value for c in ws[2]]
    row = {h: c.value for h, c in zip(head, ws[3])}
    assert row["截至日期"] == datetime(2024, 11, 30)
    assert row["进展情况"].startswith("截至11月底,全市城镇新增就业36.61万人")
    assert row["完成值"].splitlines()[0] == "城镇新增就业 36.61万人"
    # 兜底帮扶困难人员就业1.52万人 measures no indicator of the task: it waits as 待核实, no actual yet
    assert row["占年计划"].splitlines() == ["104.6%", "134%", "100%"]
    assert not any("1.52万" in line for line in row["完成值"].splitlines())
    assert row["状态"] == "已完成"
    ws = openpyxl.load_workbook(io.BytesIO(exported(plan, as_of=date(2024, 10, 31)))).active
    assert ws["F3"].value is None  # nothing reported by October


def test_a_plan_with_sections_and_titles_survives_too(seeds):
    plan = Plan.objects.get(pk=import_file(seed(seeds, "003")).plan_id)  # 128 tasks in 一、二、… sections
    before = ledger_of(plan)
    assert len({t["section"] for t in before["tasks"]}) > 3
    data = exported(plan)
    empty_the_ledger()
    assert ledger_of(Plan.objects.get(pk=import_bytes(data, "003-export.xlsx").plan_id)) == before


# ---------------------------------------------------------------- the progress template


@pytest.fixture
def plan002(seeds):
    return Plan.objects.get(pk=import_file(seed(seeds, "002")).plan_id)


def template(unit, plan, as_of=date(2024, 11, 30)):
    out = io.BytesIO()
    progress_template_xlsx(unit, plan, out, as_of=as_of)
    out.seek(0)
    return openpyxl.load_workbook(out)


def filled(wb) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def col(name: str) -> int:
    return TEMPLATE_HEADERS.index(name) + 1


def test_the_template_lists_the_units_tasks_one_row_per_indicator(plan002):
    unit = get_unit("市卫生健康委")  # leads 3 (1 indicator: its subsidy amounts are standards) and 4 (2)
    ws = template(unit, plan002)["进展填报"]
    assert [c.value for c in ws[3]] == TEMPLATE_HEADERS
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["3"] + ["4"] * 2
    signing = next(r for r in rows if r[3] == "65岁以上老年人签约率")
    assert signing[2] == "牵头" and signing[4] == "%" and signing[5] == "75%"
    assert signing[6] == 79.2 and signing[7] == datetime(2024, 11, 30)  # the last approved value and its date
    assert signing[8:11] == [None, None, None]  # to fill
    assert ws.column_dimensions["L"].hidden
    empty = template(unit, plan002, as_of=date(2024, 10, 31))["进展填报"]
    assert empty.cell(4 + 4, col("上次审核值")).value is None  # nothing approved by October


def test_a_filled_template_is_read_back_and_grouped_into_reports(plan002):
    unit = get_unit("市人力资源社会保障局")
    wb = template(unit, plan002)
    ws = wb["进展填报"]
    ws.cell(4, col("截至日期"), datetime(2024, 12, 31))
    ws.cell(4, col("本期完成值"), "38.2万人")
    ws.cell(4, col("进展情况"), "全年城镇新增就业38.2万人")
    ws.cell(5, col("截至日期"), "2024-12-31")
    ws.cell(5, col("本期完成值"), 41000)
    rows = read_progress_template(unit, plan002, filled(wb))
    assert [(r.row, r.task.number, r.indicator.metric, r.as_of, r.value) for r in rows] == [
        (4, "1", "城镇新增就业", date(2024, 12, 31), 382000), (5, "1", "扶持创业", date(2024, 12, 31), 41000)]
    assert rows[0].amount_text == "38.2万人"
    (report,) = group_rows(rows)
    assert (report.task.number, report.as_of, report.text, report.rows) == ("1", date(2024, 12, 31),
                                                                           "全年城镇新增就业38.2万人", [4, 5])
    # what a service does with it: one report per task and date
    done = record_progress(None, report.task, report.as_of, [(i.metric, f"{v:g}") for i, v in report.values],
                           report.text)
    assert sorted(o.value for o in done.observations.all()) == [41000, 382000]


def test_every_problem_is_named_by_its_row_and_nothing_is_taken(plan002):
    unit = get_unit("市人力资源社会保障局")
    wb = template(unit, plan002)
    ws = wb["进展填报"]
    ws.cell(4, col("截至日期"), "2023-12-31")  # another year
    ws.cell(4, col("本期完成值"), "38万人")
    ws.cell(5, col("截至日期"), "2024-12-31")
    ws.cell(5, col("本期完成值"), "很多")  # no number
    ws.cell(6, col("截至日期"), "2024-12-31")
    ws.cell(6, col("本期完成值"), "1.7万元")  # 个, not 元
    ws.append(["2", "开工新建改扩建中小学和幼儿园30所", "牵头", "推动续建完工", "所", "40所", None, None,
               "2024-12-31", "45所", None, None])  # a task of 市教育局
    ws.append(["99", "?", "", "?", "", "", None, None, "2024-12-31", "1", None, None])
    with pytest.raises(TemplateProblems) as caught:
        read_progress_template(unit, plan002, filled(wb))
    problems = caught.value.problems
    assert [row for row, _ in problems] == [4, 5, 6, 7, 8]
    messages = dict(problems)
    assert "不在计划年度 2024 年内" in messages[4]
    assert "无法识别的数值“很多”" in messages[5]
    assert "计量单位是“个”,不是“元”" in messages[6]
    assert messages[7] == "本单位不负责第2项任务"
    assert messages[8] == "计划《2024年市办实事》没有第99项任务"
    assert "第4行:" in caught.value.message and "未导入任何数据" in caught.value.message


def test_an_untouched_template_is_no_report(plan002):
    unit = get_unit("市人力资源社会保障局")
    with pytest.raises(TemplateProblems, match="没有填写任何进展"):
        read_progress_template(unit, plan002, filled(template(unit, plan002)))
    with pytest.raises(TemplateProblems, match=r"不是有效的 \.xlsx"):
        read_progress_template(unit, plan002, io.BytesIO(b"not a workbook"))


def test_a_value_given_twice_for_the_same_date_is_refused(plan002):
    unit = get_unit("市人力资源社会保障局")
    wb = template(unit, plan002)
    ws = wb["进展填报"]
    for r in (4, 5):
        ws.cell(r, col("截至日期"), "2024-12-31")
        ws.cell(r, col("本期完成值"), "38万")
    ws.cell(5, col("指标编号"), ws.cell(4, col("指标编号")).value)  # the second row made to name the first indicator
    with pytest.raises(TemplateProblems) as caught:
        read_progress_template(unit, plan002, filled(wb))
    assert caught.value.problems == [(5, "与第4行重复(同一指标、同一截至日期)")]


def test_progress_recorded_after_the_template_does_not_matter_to_reading_it(plan002):
    unit = get_unit("市人力资源社会保障局")
    wb = template(unit, plan002)
    record_progress(None, get_task(plan002, "1"), date(2024, 12, 15), [("城镇新增就业", "37万人")])
    ws = wb["进展填报"]
    ws.cell(4, col("截至日期"), "2024年12月31日")
    ws.cell(4, col("本期完成值"), "380,000")
    (row,) = read_progress_template(unit, plan002, filled(wb))
    assert (row.as_of, row.value) == (date(2024, 12, 31), 380000)


def test_an_export_with_progress_reimported_into_the_same_ledger_adds_no_report(seeds):
    """A bulletin's restated reports come back through the export's progress columns, with a 截至
    date in front: they are the same reports, stored once."""
    from duban.ledger.models import Observation, ProgressReport

    plan = Plan.objects.get(pk=import_file(seed(seeds, "002")).plan_id)
    before = (ProgressReport.objects.count(), Observation.objects.count())
    summary = import_bytes(exported(plan), "002-export.xlsx")
    assert summary.plan_id == plan.pk and summary.progress_values == 0
    assert (ProgressReport.objects.count(), Observation.objects.count()) == before
