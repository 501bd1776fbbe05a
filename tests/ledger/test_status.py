"""Each task judged against its own schedule, on the seeds, through the ledger and the CLI."""
import json
from datetime import date

import pytest
from django.core.management import call_command  # noqa: F401 - keeps Django's test DB setup explicit

from duban import assess as A
from duban.cli import main
from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.assessment import assess_plan
from duban.ledger.importer import import_file
from duban.ledger.models import Observation, Plan, ProgressReport, StatusChange, Task, Unit
from duban.ledger.report import status_rows
from duban.ledger.services import get_plan, get_task, record_progress
from duban.ledger.units import find_unit, merge_units
from tests.builders import make_plan, make_task
from tests.conftest import seed

pytestmark = pytest.mark.django_db


def test_2024_fire_stations_lag_and_employment_is_complete(seeds):
    import_file(seed(seeds, "002"))
    plan = Plan.objects.get(year=2024)
    results = assess_plan(plan.pk, date(2024, 11, 30))
    by_number = {Task.objects.get(pk=pk).number: a for pk, a in results.items()}
    assert by_number["1"].status is A.Status.DONE
    assert by_number["14"].status in (A.Status.BEHIND, A.Status.SERIOUSLY_BEHIND)
    assert "消防站" in by_number["14"].reason


@pytest.mark.parametrize("employed, expected", [("15万", A.Status.BEHIND), ("18万", A.Status.ON_TRACK)])
def test_2023_employment_is_judged_against_its_own_june_checkpoint(seeds, employed, expected):
    import_file(seed(seeds, "000"))
    task = get_task(get_plan("000_2ed4cef8df3e0b07.txt"), "1")
    record_progress(None, task, date(2023, 6, 30), [("城镇新增就业", employed)])
    a = assess_plan(task.plan_id, date(2023, 6, 30))[task.pk]
    employment = next(i for i in a.indicators if i.metric == "城镇新增就业")
    assert employment.planned == 170000 and employment.status is expected
    assert "17万人" in employment.reason


def test_assessing_stores_status_changes_once(seeds):
    import_file(seed(seeds, "002"))
    plan = Plan.objects.get(year=2024)
    assess_plan(plan.pk, date(2024, 11, 30))
    stored = StatusChange.objects.count()
    assert stored >= plan.tasks.count()
    assess_plan(plan.pk, date(2024, 11, 30))
    assert StatusChange.objects.count() == stored  # nothing changed, nothing new
    fourteen = StatusChange.objects.get(task__number="14", task__plan=plan, indicator=None, as_of=date(2024, 11, 30))
    assert fourteen.status in ("滞后", "严重滞后") and fourteen.color in ("yellow", "red")


@pytest.mark.parametrize("as_of, values, message", [
    (date(2024, 1, 5), [("城镇新增就业", "15万")], "不在计划年度"),
    (date(2023, 6, 30), [("不存在的指标", "15万")], "没有指标"),
    (date(2023, 6, 30), [("城镇新增就业", "-5")], "不能为负"),
    (date(2023, 6, 30), [("城镇新增就业", "9999亿")], "请核对"),
    (date(2023, 6, 30), [("城镇新增就业", "15万个")], "计量单位"),
    (date(2023, 6, 30), [("城镇新增就业", "很多")], "无法识别"),
])
def test_bad_progress_is_refused_and_nothing_is_written(as_of, values, message):
    task = make_task(make_plan(year=2023), "1", lead="市人力资源社会保障局",
                     indicators=[("城镇新增就业", 350000, "人")])  # 2023 task 1, built: the rules need no seed
    before = (ProgressReport.objects.count(), Observation.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DubanError, match=message):
        record_progress(None, task, as_of, values)
    assert (ProgressReport.objects.count(), Observation.objects.count(), AuditEntry.objects.count()) == before


def test_progress_add_and_status_from_the_command_line(seeds, capsys):
    assert main(["import", str(seed(seeds, "000"))]) == 0
    assert main(["progress", "add", "--plan", "000_2ed4cef8df3e0b07.txt", "--task", "1", "--as-of", "2023-06-30",
                 "--value", "城镇新增就业=15万", "--text", "截至6月底,新增就业15万人"]) == 0
    assert AuditEntry.objects.filter(action="progress.add").count() == 1
    capsys.readouterr()
    assert main(["status", "--year", "2023", "--as-of", "2023-06-30", "--format", "json",
                 "--unit", "市人力资源社会保障局"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["number"] for r in rows] == ["1", "16"]  # lead of 1, co-unit of 16
    employment = next(i for i in rows[0]["indicators"] if i["metric"] == "城镇新增就业")
    assert (employment["planned"], employment["actual"], employment["status"]) == (170000, 150000, "滞后")
    assert main(["status", "--year", "2023", "--as-of", "2023-06-30", "--status", "behind", "--format", "csv"]) == 0
    assert main(["status", "--unit", "不存在的单位"]) == 2
    assert "未知单位" in capsys.readouterr().err


def test_status_filter_by_status(seeds):
    import_file(seed(seeds, "002"))
    done = status_rows(as_of=date(2024, 11, 30), year=2024, status="已完成")
    assert done and {r["status"] for r in done} == {"已完成"}
    assert "1" in [r["number"] for r in done]


def test_merging_two_spellings_of_one_unit(seeds):
    import_file(seed(seeds, "000"))
    a = Unit.objects.create(name="青岛市供电公司", key="青岛市供电公司-test")
    supplier = find_unit("青岛供电公司")
    tasks = set(supplier.responsibilities.values_list("task_id", flat=True))
    merge_units(supplier, a, actor_name="tester")
    assert find_unit("青岛市供电公司") == supplier
    assert set(supplier.responsibilities.values_list("task_id", flat=True)) == tasks
    assert AuditEntry.objects.filter(action="units.merge").exists()
    with pytest.raises(DubanError):
        merge_units(supplier, supplier)


def test_two_indicators_with_one_name_are_told_apart_by_number():
    """2023 task 11 prints two percentages without their own names; a value names one by its number."""
    task = make_task(make_plan(year=2023), "11", lead="市卫生健康委",
                     indicators=[("达标率", 90, "%"), ("达标率", 95, "%")])
    same = [i for i in task.indicators.all() if list(task.indicators.filter(metric=i.metric)) != [i]]
    assert len(same) >= 2
    with pytest.raises(DubanError, match="请用编号指明"):
        record_progress(None, task, date(2023, 6, 30), [(same[0].metric, "70%")])
    report = record_progress(None, task, date(2023, 6, 30), [(f"#{same[1].pk}", "70%")])
    assert report.observations.get().indicator == same[1]
