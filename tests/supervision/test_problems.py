"""问题 on the 2024 tasks: found → assigned → coordinated → resolved → confirmed, each step recorded;
and the pressure unresolved or repeated problems put on a task's assessment."""
from datetime import date

import pytest

from duban import assess as A
from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.assessment import assess_plan
from duban.ledger.models import Task
from duban.people.roles import Forbidden
from duban.supervision.models import Notification, ProblemEvent
from duban.supervision.services import (
    apply_problem_pressure,
    assign_problem,
    confirm_problem,
    coordinate_problem,
    dismiss_problem,
    open_case,
    problem_actions_for,
    problem_history,
    problem_pressure,
    raise_problem,
    resolve_problem,
    task_pressure,
    visible_problems,
)

pytestmark = pytest.mark.django_db

FOUND = date(2024, 10, 8)


def test_the_problem_loop(people, task14):
    fire, office, redcross = people["fire"], people["office"], people["redcross"]
    problem = raise_problem(fire, task14, "3处消防站用地手续未办结,影响开工", today=FOUND)
    assert (problem.state, problem.source, problem.raised_by, problem.found_on) == ("found", "internal", fire, FOUND)
    assert Notification.objects.filter(user=office, kind="problem").exists()

    assign_problem(office, problem, redcross, today=date(2024, 10, 9), note="请红十字会牵头协调")
    assert (problem.state, problem.coordinator) == ("assigned", redcross)
    assert Notification.objects.filter(user=redcross, kind="problem").exists()
    coordinate_problem(redcross, problem, "已召集自然资源部门现场办公", today=date(2024, 10, 15))
    resolve_problem(redcross, problem, "用地手续已全部办结", today=date(2024, 10, 25))
    assert (problem.state, problem.resolved_on, problem.resolution) == ("resolved", date(2024, 10, 25), "用地手续已全部办结")
    assert Notification.objects.filter(user=fire, kind="problem", text__contains="请确认").exists()

    with pytest.raises(Forbidden, match="提出人"):
        confirm_problem(office, problem, today=date(2024, 10, 26))
    with pytest.raises(DubanError, match="写明理由"):
        confirm_problem(fire, problem, accept=False, today=date(2024, 10, 26))
    confirm_problem(fire, problem, accept=False, note="还差1处未办结", today=date(2024, 10, 26))
    assert (problem.state, problem.resolved_on) == ("assigned", None)
    coordinate_problem(redcross, problem, "再次协调", today=date(2024, 10, 28))
    resolve_problem(office, problem, "最后1处已办结", today=date(2024, 10, 30))  # the office may step in
    confirm_problem(fire, problem, today=date(2024, 10, 31))
    assert (problem.state, problem.confirmed_on) == ("confirmed", date(2024, 10, 31))

    steps = [(e.action, e.from_state, e.to_state, e.on, e.actor_name) for e in problem_history(problem)]
    assert steps == [
        ("raise", "", "found", FOUND, "fire"),
        ("assign", "found", "assigned", date(2024, 10, 9), "office"),
        ("coordinate", "assigned", "coordinated", date(2024, 10, 15), "redcross"),
        ("resolve", "coordinated", "resolved", date(2024, 10, 25), "redcross"),
        ("reopen", "resolved", "assigned", date(2024, 10, 26), "fire"),
        ("coordinate", "assigned", "coordinated", date(2024, 10, 28), "redcross"),
        ("resolve", "coordinated", "resolved", date(2024, 10, 30), "office"),
        ("confirm", "resolved", "confirmed", date(2024, 10, 31), "fire"),
    ]
    audit = AuditEntry.objects.filter(object_type="supervision.problem", object_id=str(problem.pk)).order_by("id")
    assert [a.action for a in audit] == ["problem.raise"] + [f"problem.{s[0]}" for s in steps[1:]]
    assert all(a.task_id == task14.pk for a in audit)


def test_who_may_do_what_with_a_problem(people, task14):
    with pytest.raises(Forbidden):
        raise_problem(people["edu"], task14, "与我无关的任务", today=FOUND)
    problem = raise_problem(people["leader"], task14, "消防站进度需关注", today=FOUND)
    with pytest.raises(Forbidden, match="督查室"):
        assign_problem(people["fire"], problem, people["fire"], today=FOUND)
    with pytest.raises(DubanError, match="协调人"):
        assign_problem(people["office"], problem, people["leader2"], today=FOUND)  # a leader does not coordinate
    assign_problem(people["office"], problem, people["fire"], today=FOUND)
    with pytest.raises(Forbidden, match="协调人"):
        coordinate_problem(people["fire2"], problem, "不是我的", today=FOUND)
    with pytest.raises(DubanError) as refused:
        resolve_problem(people["fire"], problem, "直接解决", today=FOUND)  # not coordinated yet
    assert refused.value.code == "invalid_transition"
    assert problem_actions_for(people["fire"], problem) == ["coordinate"]
    assert problem_actions_for(people["office"], problem) == ["assign", "coordinate", "dismiss"]
    assert problem_actions_for(people["leader"], problem) == [] and problem_actions_for(people["fire2"], problem) == []
    assert visible_problems(people["fire"]).filter(pk=problem.pk).exists()
    assert not visible_problems(people["edu"]).filter(pk=problem.pk).exists()


def test_dismissed_problems_do_not_press(people, task14):
    problem = raise_problem(people["office"], task14, "重复反映", today=FOUND)
    dismiss_problem(people["office"], problem, "与第2个问题重复", today=FOUND)
    assert problem.state == "dismissed" and problem_pressure(task14, date(2024, 12, 31)) is None


def _on_track_task(plan):
    """A health task on track on 30 November (built, not read from a seed)."""
    from duban.ledger.assessment import reassess
    from tests.builders import make_report, make_task

    task = make_task(plan, "99", lead="市卫生健康委", indicators=[("家庭医生随访", 1000, "人")])
    make_report(task, date(2024, 11, 30), {"家庭医生随访": 920})
    reassess([task.pk], date(2024, 11, 30))
    task.refresh_from_db()
    return task


def test_an_unresolved_problem_of_more_than_30_days_makes_the_task_lag(people, plan2024):
    task4 = _on_track_task(plan2024)
    assert task4.status == "达序时进度"
    problem = raise_problem(people["health"], task4, "部分社区签约服务未落实随访", today=date(2024, 10, 20))
    assert problem_pressure(task4, date(2024, 11, 19)) is None  # 30 days
    assert problem_pressure(task4, date(2024, 11, 20)) is A.Status.BEHIND  # 31 days
    assign_problem(people["office"], problem, people["health"], today=date(2024, 11, 21))
    coordinate_problem(people["health"], problem, "已约谈", today=date(2024, 11, 22))
    resolve_problem(people["health"], problem, "已补随访", today=date(2024, 11, 25))
    assert problem_pressure(task4, date(2024, 11, 30)) is None  # resolved: the pressure is gone
    assert problem_pressure(task4, date(2024, 11, 24)) is A.Status.BEHIND  # … but not before it was resolved


def test_a_repeated_problem_makes_the_task_lag_in_the_assessment(people, plan2024):
    task4 = _on_track_task(plan2024)
    raise_problem(people["health"], task4, "签约率统计口径不一", today=date(2024, 9, 10))
    raise_problem(people["office"], task4, "签约率统计口径仍不一", today=date(2024, 11, 28))
    assert "90天内反映问题2次" in task_pressure(task4, date(2024, 11, 30)).reason

    from duban.ledger.assessment import snapshots

    unpressed = {pk: A.assess(s, date(2024, 11, 30)) for pk, s in snapshots([task4]).items()}
    assert unpressed[task4.pk].status is A.Status.ON_TRACK
    pressed = apply_problem_pressure(unpressed, date(2024, 11, 30))
    four = pressed[task4.pk]
    assert four.status is A.Status.BEHIND and four.color is A.Color.YELLOW
    assert four.reason.startswith(unpressed[task4.pk].reason) and "问题反复出现" in four.reason
    # The ledger's assessment applies the rule itself; a completed task stays completed.
    results = assess_plan(plan2024.pk, date(2024, 11, 30), record=False)
    assert results[task4.pk].status is A.Status.BEHIND
    task1 = Task.objects.get(plan=plan2024, number="1")
    raise_problem(people["office"], task1, "就业统计待核实", today=date(2024, 9, 1))
    raise_problem(people["office"], task1, "就业统计仍待核实", today=date(2024, 11, 1))
    assert assess_plan(plan2024.pk, date(2024, 11, 30), record=False)[task1.pk].status is A.Status.DONE
    task14 = Task.objects.get(plan=plan2024, number="14")
    assert "问题" not in results[task14.pk].reason  # no problems: untouched


def test_a_case_can_be_opened_from_a_problem(people, task14):
    problem = raise_problem(people["fire"], task14, "用地手续卡住", today=FOUND)
    case = open_case(people["office"], title="协调消防站用地手续", source="problem", problem=problem, today=FOUND)
    assert (case.task, case.problem, case.number) == (task14, problem, "2024-001")
    assert ProblemEvent.objects.filter(problem=problem).count() == 1
