"""Milestones getting done, on ledgers built in the test (no seed file): a unit's report says which
milestones are done and the approval marks them (audited, reassessed); the office marks one done on the
task page; a milestone whose checkpoints are met is done by itself; a task whose indicators are complete
and whose last milestone is done is 已完成."""
from datetime import date

import pytest

from duban.cli import main
from duban.core.models import AuditEntry
from duban.errors import InvalidInput
from duban.ledger.corrections import complete_milestone
from duban.ledger.milestones import DoneClaim, find_milestone
from duban.ledger.models import Milestone, ProgressReport, StatusChange, Task
from duban.ledger.services import record_progress
from duban.ledger.workflow import review_progress, revise_progress, submit_progress
from duban.people.roles import Forbidden
from tests.builders import make_milestone, make_plan, make_task, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2024, 11, 25)
REPORTED = date(2024, 11, 20)


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan():
    return make_plan(year=2024)


@pytest.fixture
def steps(plan):
    """A task with no quantity, only steps (the document's 3月底前完成选址,6月底前开工,10月底前全面完成)."""
    return make_task(plan, "1", content="建设市民健身中心", lead="市体育局",
                     milestones=[(date(2024, 3, 31), "完成选址"), (date(2024, 6, 30), "开工建设"),
                                 (date(2024, 10, 31), "全面完成并投入使用")])


@pytest.fixture
def people():
    return {"office": make_user("office"), "reviewer": make_user("reviewer", "reviewer"),
            "sport": make_user("sport", "reporter", unit="市体育局"),
            "edu": make_user("edu", "reporter", unit="市教育局")}


def last(task: Task) -> Milestone:
    return task.milestones.order_by("-due").first()


def status(task: Task) -> str:
    return Task.objects.get(pk=task.pk).status


def overdue_now(task: Task, office) -> None:
    """The task as the daily assessment leaves it before anyone reports: 逾期."""
    from duban.ledger.assessment import reassess

    reassess([task.pk], TODAY)
    assert status(task) == "逾期"


def test_a_units_report_says_the_last_step_is_done_and_the_approval_marks_it(steps, people):
    overdue_now(steps, people["office"])
    report = submit_progress(people["sport"], steps, REPORTED, [], "健身中心10月28日竣工验收并开放", today=TODAY,
                             milestones_done=[DoneClaim(last(steps).pk, date(2024, 10, 28), "竣工验收报告")])
    assert report.state == ProgressReport.State.SUBMITTED
    assert report.milestones_done == [{"id": last(steps).pk, "done_on": "2024-10-28", "evidence": "竣工验收报告"}]
    assert last(steps).done_on is None and status(steps) == "逾期"  # a claim counts only once approved

    review_progress(people["reviewer"], report, approve=True, expected_version=report.version, today=TODAY)

    m = last(steps)
    assert m.done_on == date(2024, 10, 28)
    assert "竣工验收报告" in m.done_evidence and f"#{report.pk}" in m.done_evidence
    assert status(steps) == "已完成"  # the last step done: the steps before it are done too
    entry = AuditEntry.objects.get(action="milestone.done", object_id=str(m.pk))
    assert entry.task_id == steps.pk and entry.actor.username == "reviewer"
    assert entry.before["done_on"] is None and entry.after["done_on"] == "2024-10-28"
    history = list(StatusChange.objects.filter(task=steps, indicator=None).order_by("id").values_list("status", flat=True))
    assert history[-2:] == ["逾期", "已完成"]


def test_a_returned_report_marks_nothing_and_a_revision_can_change_its_claims(steps, people):
    first, second = steps.milestones.order_by("due")[:2]
    report = submit_progress(people["sport"], steps, REPORTED, [], "选址完成", today=TODAY,
                             milestones_done=[first.pk])
    review_progress(people["office"], report, approve=False, reason="请补充开工情况", expected_version=1, today=TODAY)
    assert not Milestone.objects.filter(task=steps, done_on__isnull=False).exists()

    report = revise_progress(people["sport"], report, values=[], text="选址完成,6月开工", expected_version=2,
                             today=TODAY, milestones_done=[first.pk, second.pk])
    assert [c["id"] for c in report.milestones_done] == [first.pk, second.pk]
    report = revise_progress(people["sport"], report, values=[], text="同上", expected_version=3, today=TODAY)
    assert [c["id"] for c in report.milestones_done] == [first.pk, second.pk]  # kept when not given
    review_progress(people["office"], report, approve=True, expected_version=report.version, today=TODAY)
    assert set(Milestone.objects.filter(task=steps, done_on=REPORTED).values_list("pk", flat=True)) == {
        first.pk, second.pk}
    assert status(steps) == "逾期"  # 全面完成 is still not done
    assert AuditEntry.objects.filter(action="milestone.done", task=steps).count() == 2


def test_claims_that_cannot_be_true_are_refused_with_nothing_written(plan, steps, people):
    other = make_task(plan, "2", lead="市体育局", milestones=[(date(2024, 5, 31), "印发方案")])
    m = last(steps)
    for claims, words in (([other.milestones.get().pk], "没有编号为"), ([m.pk, m.pk], "填了两次"),
                          ([DoneClaim(m.pk, date(2024, 11, 21))], "晚于进展截至日期"),
                          ([DoneClaim(m.pk, date(2023, 12, 1))], "早于计划年度"),
                          (["全面完成"], "无法识别")):
        with pytest.raises(InvalidInput, match=words):
            submit_progress(people["sport"], steps, REPORTED, [], "完成", today=TODAY, milestones_done=claims)
    assert not ProgressReport.objects.exists()
    with pytest.raises(Forbidden):  # a unit not on the task claims nothing for it
        submit_progress(people["edu"], steps, REPORTED, [], "完成", today=TODAY, milestones_done=[m.pk])
    # a report that only says a step is done needs no values nor text
    report = submit_progress(people["sport"], steps, REPORTED, [], "", today=TODAY, milestones_done=[m.pk])
    assert report.milestones_done[0]["done_on"] == REPORTED.isoformat()


def test_an_office_report_is_approved_at_once_and_marks_its_claims(steps, people):
    overdue_now(steps, people["office"])
    submit_progress(people["office"], steps, REPORTED, [], "现场核查:已投入使用", today=TODAY,
                    milestones_done=[last(steps).pk])
    assert last(steps).done_on == REPORTED and status(steps) == "已完成"


def test_the_office_marks_a_step_done_on_the_task_page(steps, people):
    overdue_now(steps, people["office"])
    m = last(steps)
    for who in ("reviewer", "sport"):
        with pytest.raises(Forbidden):
            complete_milestone(people[who], m, done_on=date(2024, 10, 30), evidence="验收", today=TODAY)
    with pytest.raises(InvalidInput, match="完成依据"):
        complete_milestone(people["office"], m, done_on=date(2024, 10, 30), evidence=" ", today=TODAY)
    with pytest.raises(InvalidInput, match="晚于今天"):
        complete_milestone(people["office"], m, done_on=date(2024, 11, 26), evidence="验收", today=TODAY)
    assert last(steps).done_on is None and not AuditEntry.objects.filter(action="milestone.done").exists()

    complete_milestone(people["office"], m, done_on=date(2024, 10, 30), evidence="市体育局竣工验收意见", today=TODAY)
    assert last(steps).done_on == date(2024, 10, 30) and status(steps) == "已完成"
    entry = AuditEntry.objects.get(action="milestone.done")
    assert entry.actor.username == "office" and "市体育局竣工验收意见" in entry.summary
    # an approval that claims a step already marked by the office does not mark it twice
    report = submit_progress(people["sport"], steps, REPORTED, [], "完成", today=TODAY, milestones_done=[m.pk])
    review_progress(people["office"], report, approve=True, expected_version=1, today=TODAY)
    assert last(steps).done_on == date(2024, 10, 30) and AuditEntry.objects.filter(action="milestone.done").count() == 1


def test_a_step_whose_checkpoints_are_met_is_done_by_itself(plan, people):
    task = make_task(plan, "3", lead="市体育局", indicators=[("新建健身步道", 100, "公里")])
    make_milestone(task, date(2024, 6, 30), "6月底前建成50公里", checkpoints={"新建健身步道": 50})
    make_milestone(task, date(2024, 12, 31), "年底前全部建成")
    july = date(2024, 7, 15)
    from duban.ledger.assessment import assess_tasks, reassess

    reassess([task.pk], july)
    assert status(task) == "逾期"  # nobody said the June step is done
    record_progress(people["office"], task, date(2024, 6, 30), [("新建健身步道", "52公里")], "已建成52公里", today=july)
    a = assess_tasks([task], july)[task.pk]
    june = task.milestones.get(due=date(2024, 6, 30))
    assert str(june.pk) in a.done_milestones and not a.overdue
    assert status(task) == "达序时进度" and june.done_on is None  # done by its checkpoint, not by anyone's word


def test_complete_indicators_and_a_done_last_step_make_the_task_done(plan, people):
    task = make_task(plan, "4", lead="市体育局", indicators=[("新建体育公园", 10, "处")],
                     milestones=[(date(2024, 9, 30), "全部建成开放")])
    record_progress(people["office"], task, date(2024, 10, 31), [("新建体育公园", "8处")], "建成8处",
                    today=TODAY, milestones_done=[last(task).pk])
    assert last(task).done_on == date(2024, 10, 31)
    assert status(task) not in ("已完成", "逾期")  # the step is done but two parks are missing
    record_progress(people["office"], task, date(2024, 11, 20), [("新建体育公园", "10处")], "全部建成", today=TODAY)
    assert status(task) == "已完成"


def test_duban_progress_add_names_a_done_step_by_its_date(steps, capsys):
    assert main(["progress", "add", "--plan", str(steps.plan_id), "--task", "1", "--as-of", "2024-11-20",
                 "--text", "全面完成", "--milestone-done", "2024-10-31@2024-10-28", "--actor", "张三"]) == 0
    assert "“全面完成并投入使用”已完成" in capsys.readouterr().out
    m = last(steps)
    assert m.done_on == date(2024, 10, 28)
    assert AuditEntry.objects.get(action="milestone.done").actor_name == "张三"
    assert status(steps) == "已完成"
    with pytest.raises(InvalidInput, match="有0个"):
        find_milestone(steps, "2024-10-30")
    assert main(["progress", "add", "--plan", str(steps.plan_id), "--task", "1", "--as-of", "2024-11-20",
                 "--text", "x", "--milestone-done", "十月底"]) != 0
