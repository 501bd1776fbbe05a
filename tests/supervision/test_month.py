"""The office's month calendar on the 2023 plan (seed 000), looked at on 5 July 2023: June's milestones
(all 3月/6月/9月/12月底前 steps of the table fall on month ends), the 25th's report deadline, a case's
feedback deadline in July until the feedback comes; the whole office's month and one unit's; the weeks Monday first."""
from datetime import date

import pytest

from duban.ledger.importer import import_file
from duban.ledger.models import Milestone, Task
from duban.ledger.units import get_unit
from duban.supervision.services import acknowledge_case, assign_case, open_case, start_case, submit_feedback
from duban.supervision.services.month import add_months, milestones_due, month_calendar, parse_month
from tests.conftest import seed

pytestmark = pytest.mark.django_db

TODAY = date(2023, 7, 5)
JUNE = date(2023, 6, 1)


@pytest.fixture
def plan2023(seeds):
    import_file(seed(seeds, "000"))
    return Task.objects.filter(plan__year=2023)


def task(number: str) -> Task:
    return Task.objects.get(plan__year=2023, number=number)


def test_june_lists_the_plans_six_month_steps_on_the_30th(plan2023):
    cal = month_calendar(JUNE, TODAY)
    steps = [e for e in cal.events if e.kind == "milestone"]
    assert len(steps) == Milestone.objects.filter(task__plan__year=2023, due=date(2023, 6, 30)).count() >= 15
    assert {e.day for e in steps} == {date(2023, 6, 30)}
    jobs = next(e for e in steps if e.task_id == task("1").pk)
    assert jobs.title.startswith("第1项 ") and "城镇新增就业17万人" in jobs.detail
    assert jobs.units == "市人力资源社会保障局"
    assert jobs.overdue and not jobs.done  # 30 June passed on 5 July, nothing marked it done


def test_the_report_deadline_falls_on_the_25th(plan2023):
    reports = [e for e in month_calendar(JUNE, TODAY).events if e.kind == "report"]
    assert [(e.day, e.title) for e in reports] == [(date(2023, 6, 25), "6月进展情况报送截止")]
    assert "各责任单位" in reports[0].detail
    assert [e for e in month_calendar(date(2031, 6, 1), TODAY).events] == []  # no plan of 2031


def test_a_unit_sees_only_the_tasks_it_works_on(plan2023):
    edu = get_unit("市教育局")
    cal = month_calendar(JUNE, TODAY, edu)
    ids = {e.task_id for e in cal.events if e.kind == "milestone"}
    assert task("3").pk in ids and task("1").pk not in ids
    assert ids == set(Task.objects.filter(plan__year=2023, responsibilities__unit=edu,
                                          milestones__due=date(2023, 6, 30)).values_list("pk", flat=True))
    assert "市教育局于6月25日前" in next(e for e in cal.events if e.kind == "report").detail


def test_a_done_milestone_is_marked_done_not_overdue(plan2023):
    m = Milestone.objects.get(task=task("3"), due=date(2023, 6, 30))
    Milestone.objects.filter(pk=m.pk).update(done_on=date(2023, 6, 28))
    e = next(e for e in month_calendar(JUNE, TODAY).events if e.task_id == task("3").pk)
    assert e.done and not e.overdue


def test_a_case_deadline_shows_for_its_units_until_closed(plan2023, people):
    edu, finance = get_unit("市教育局"), get_unit("市财政局")
    case = open_case(people["office"], title="加快中小学幼儿园项目开工", source="leader_instruction",
                     instruction="请教育局倒排工期", today=TODAY)
    assign_case(people["office"], case, lead_unit=edu, co_units=[finance], deadline=date(2023, 7, 20), today=TODAY)
    july = date(2023, 7, 1)
    for unit in (None, edu, finance):
        cases = [e for e in month_calendar(july, TODAY, unit).events if e.kind == "case"]
        assert [(e.day, e.case_number, e.units) for e in cases] == [(date(2023, 7, 20), case.number, "市教育局")]
        assert not cases[0].overdue
    assert not [e for e in month_calendar(july, TODAY, get_unit("市人力资源社会保障局")).events if e.kind == "case"]
    assert next(e for e in month_calendar(july, date(2023, 7, 21)).events if e.kind == "case").overdue
    for step in (acknowledge_case, start_case):
        case = step(people["edu"], case, today=TODAY)
    assert [e.kind for e in month_calendar(july, TODAY, edu).events].count("case") == 1  # 办理中: still owed
    submit_feedback(people["edu"], case, "已倒排工期,7所学校开工", today=TODAY)
    assert not [e for e in month_calendar(july, TODAY).events if e.kind == "case"]  # the feedback came


def test_weeks_start_on_monday_and_only_the_months_days_carry_events(plan2023):
    cal = month_calendar(JUNE, TODAY)
    weeks = cal.weeks()
    assert weeks[0][0].day == date(2023, 5, 29) and weeks[-1][-1].day == date(2023, 7, 2)  # 1 June 2023: a Thursday
    assert all(len(w) == 7 for w in weeks)
    assert not any(d.events for w in weeks for d in w if not d.in_month)
    assert [d.day for d in cal.days_with_events()] == [date(2023, 6, 25), date(2023, 6, 30)]
    assert cal.counts() == {"milestone": len([e for e in cal.events if e.kind == "milestone"]), "report": 1, "case": 0}
    assert (cal.previous, cal.next) == (date(2023, 5, 1), date(2023, 7, 1))
    july = month_calendar(date(2023, 7, 1), TODAY).weeks()
    assert [d.is_today for w in july for d in w].count(True) == 1


def test_a_busy_day_lists_its_first_steps_and_counts_the_rest(plan2023):
    """A province's December holds a hundred thousand 12月底前 steps: a day lists `per_day` of them, in
    the order of the steps' index (task, then its order), and counts the others; its own list has all."""
    due = list(Milestone.objects.filter(task__plan__year=2023, due=date(2023, 6, 30)).order_by("task_id", "order"))
    cal = month_calendar(JUNE, TODAY, per_day=4)
    listed = [e for e in cal.events if e.kind == "milestone"]
    assert [e.task_id for e in listed] == [m.task_id for m in due[:4]]
    assert cal.counts()["milestone"] == len(due) and cal.more_on(date(2023, 6, 30)) == len(due) - 4
    day = next(d for w in cal.weeks() for d in w if d.day == date(2023, 6, 30))
    assert day.more == len(due) - 4 and day.total == len(due)
    assert list(milestones_due(date(2023, 6, 30))) == due
    edu = get_unit("市教育局")
    mine = [m for m in due if m.task.responsibilities.filter(unit=edu).exists()]
    assert list(milestones_due(date(2023, 6, 30), edu)) == mine
    assert month_calendar(JUNE, TODAY, edu, per_day=1).counts()["milestone"] == len(mine)


def test_months_parse_and_add():
    assert parse_month("2024-06") == date(2024, 6, 1)
    assert parse_month(" 2024-6 ") == date(2024, 6, 1)
    assert parse_month("2024-13") is None and parse_month("六月") is None and parse_month(None) is None
    assert add_months(date(2024, 12, 1), 1) == date(2025, 1, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
