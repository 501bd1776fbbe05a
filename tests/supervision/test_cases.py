"""督办件 on the 2024 progress (seed 002): task 14's fire stations lag (3 of 10 started by 30 November),
so the office opens a case, assigns it to 市消防救援支队, which signs for it, handles it and feeds
back; the office returns the first feedback, accepts the second and closes the case."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.models import Comment, Task
from duban.ledger.units import get_unit
from duban.people.roles import Forbidden
from duban.supervision.models import Case, CaseEvent, CaseFile, Notification
from duban.supervision.services import (
    acknowledge_case,
    actions_for,
    assign_case,
    can_view_case,
    case_history,
    cases_for_leader,
    cases_for_unit,
    close_case,
    comment_on_case,
    get_case,
    open_case,
    open_case_for_lagging_task,
    review_feedback,
    start_case,
    submit_feedback,
    visible_cases,
)

pytestmark = pytest.mark.django_db

OPENED = date(2024, 12, 2)
DEADLINE = date(2024, 12, 10)
PDF = b"%PDF-1.4 fire station construction permits\n"


def opened(people, task14) -> Case:
    return open_case_for_lagging_task(people["office"], task14, OPENED)


def assigned(people, task14) -> Case:
    case = opened(people, task14)
    return assign_case(people["office"], case, lead_unit="市消防救援支队", co_units=["市红十字会"],
                       deadline=DEADLINE, today=OPENED)


def in_progress(people, task14) -> Case:
    case = assigned(people, task14)
    acknowledge_case(people["fire"], case, today=date(2024, 12, 3))
    return start_case(people["fire"], case, today=date(2024, 12, 3))


def test_the_whole_case_loop_on_task_14(people, task14):
    office, fire = people["office"], people["fire"]
    case = opened(people, task14)
    assert (case.number, case.state, case.source, case.task_id) == ("2024-001", "opened", "lagging_task", task14.pk)
    assert "消防站" in case.title and "严重滞后" in case.title
    assert "开工建设城镇消防站" in case.reason and "3处" in case.reason

    assign_case(office, case, lead_unit="市消防救援支队", co_units=["市红十字会"], deadline=DEADLINE, today=OPENED)
    assert case.state == "assigned" and case.lead_unit.name == "市消防救援支队" and case.deadline == DEADLINE
    assert [u.name for u in case.co_units.all()] == ["市红十字会"]
    assert Notification.objects.filter(user=fire, kind="assigned").count() == 1
    assert Notification.objects.filter(user=people["redcross"], kind="assigned").count() == 1  # co-unit told

    acknowledge_case(fire, case, today=date(2024, 12, 3))
    start_case(fire, case, today=date(2024, 12, 3), note="已部署7处消防站开工准备")
    evidence = SimpleUploadedFile("开工许可.pdf", PDF, content_type="application/pdf")
    submit_feedback(fire, case, "剩余7处消防站已完成招标,12月下旬开工", [evidence], today=date(2024, 12, 6))
    assert case.state == "feedback" and case.feedback_on == date(2024, 12, 6)
    assert Notification.objects.filter(user=office, kind="feedback").exists()

    review_feedback(office, case, False, "未附开工计划表,请补充各站开工时间", today=date(2024, 12, 7))
    assert case.state == "in_progress" and "开工计划表" in case.return_reason
    assert Notification.objects.filter(user=fire, kind="returned").exists()

    submit_feedback(fire, case, "已补充开工计划表:7处消防站12月20日至28日陆续开工", today=date(2024, 12, 9))
    review_feedback(office, case, True, "材料齐全", today=date(2024, 12, 10))
    close_case(office, case, today=date(2024, 12, 11))
    assert case.state == "closed" and case.closed_on == date(2024, 12, 11)

    steps = [(e.action, e.from_state, e.to_state, e.on, e.actor_name) for e in case_history(case)]
    assert steps == [
        ("open", "", "opened", OPENED, "office"),
        ("assign", "opened", "assigned", OPENED, "office"),
        ("acknowledge", "assigned", "acknowledged", date(2024, 12, 3), "fire"),
        ("start", "acknowledged", "in_progress", date(2024, 12, 3), "fire"),
        ("feedback", "in_progress", "feedback", date(2024, 12, 6), "fire"),
        ("return", "feedback", "in_progress", date(2024, 12, 7), "office"),
        ("feedback", "in_progress", "feedback", date(2024, 12, 9), "fire"),
        ("accept", "feedback", "accepted", date(2024, 12, 10), "office"),
        ("close", "accepted", "closed", date(2024, 12, 11), "office"),
    ]
    assert all(e.recorded_at is not None for e in case.events.all())
    returned = case.events.get(action="return")
    assert "开工计划表" in returned.note and returned.from_label == "已反馈待复核" and returned.to_label == "办理中"

    audit = list(AuditEntry.objects.filter(object_type="supervision.case", object_id=str(case.pk))
                 .order_by("id").values_list("action", "actor_name"))
    assert [a for a, _ in audit if a != "case.files"] == [
        "case.open", "case.assign", "case.acknowledge", "case.start", "case.feedback", "case.return",
        "case.feedback", "case.accept", "case.close"]
    assert ("case.files", "fire") in audit
    assert AuditEntry.objects.filter(object_type="supervision.case", task=task14).count() == len(audit)

    stored = CaseFile.objects.get(case=case)
    assert stored.name == "开工许可.pdf" and stored.size == len(PDF) and stored.event.action == "feedback"
    assert stored.file.read() == PDF


@pytest.mark.parametrize("step", ["acknowledge", "start", "feedback", "accept", "close"])
def test_steps_out_of_order_are_refused_as_invalid_transitions(people, task14, step):
    case = opened(people, task14)  # 立项 only: nothing but 交办 may follow
    actor = people["fire"] if step in ("acknowledge", "start", "feedback") else people["office"]
    case.lead_unit = get_unit("市消防救援支队")  # as if assigned, so only the state stands in the way
    Case.objects.filter(pk=case.pk).update(lead_unit=case.lead_unit)
    before = (AuditEntry.objects.count(), CaseEvent.objects.count())
    call = {
        "acknowledge": lambda: acknowledge_case(actor, case, today=OPENED),
        "start": lambda: start_case(actor, case, today=OPENED),
        "feedback": lambda: submit_feedback(actor, case, "已办理", today=OPENED),
        "accept": lambda: review_feedback(actor, case, True, today=OPENED),
        "close": lambda: close_case(actor, case, today=OPENED),
    }[step]
    with pytest.raises(DubanError) as refused:
        call()
    assert refused.value.code == "invalid_transition" and "立项" in refused.value.message
    assert (AuditEntry.objects.count(), CaseEvent.objects.count()) == before
    assert Case.objects.get(pk=case.pk).state == "opened"


def test_a_closed_case_takes_no_further_step(people, task14):
    case = in_progress(people, task14)
    submit_feedback(people["fire"], case, "已开工", today=date(2024, 12, 5))
    review_feedback(people["office"], case, True, today=date(2024, 12, 6))
    close_case(people["office"], case, today=date(2024, 12, 6))
    for call in (lambda: close_case(people["office"], case, today=date(2024, 12, 7)),
                 lambda: review_feedback(people["office"], case, False, "再看看", today=date(2024, 12, 7)),
                 lambda: assign_case(people["office"], case, lead_unit="市红十字会", deadline=DEADLINE,
                                     today=date(2024, 12, 7))):
        with pytest.raises(DubanError, match="已办结") as refused:
            call()
        assert refused.value.code == "invalid_transition"


def test_a_reporter_of_another_unit_is_refused(people, task14):
    case = assigned(people, task14)
    for name in ("edu", "redcross", "office"):  # another unit, the co-unit, and the office: only the lead unit signs
        with pytest.raises(Forbidden, match="市消防救援支队的填报员"):
            acknowledge_case(people[name], case, today=OPENED)
    acknowledge_case(people["fire2"], case, today=OPENED)  # any reporter of the lead unit may
    start_case(people["fire"], case, today=OPENED)
    with pytest.raises(Forbidden):
        submit_feedback(people["edu"], case, "与我无关", today=OPENED)
    assert Case.objects.get(pk=case.pk).state == "in_progress"


@pytest.mark.parametrize("who", ["fire", "leader", "reviewer"])
def test_only_the_office_opens_assigns_reviews_and_closes(people, task14, who):
    with pytest.raises(Forbidden, match="督查室"):
        open_case_for_lagging_task(people[who], task14, OPENED)
    with pytest.raises(Forbidden, match="督查室"):
        open_case(people[who], title="关注", source="leader_instruction", instruction="请督办", today=OPENED)
    case = assigned(people, task14)
    with pytest.raises(Forbidden):
        assign_case(people[who], case, lead_unit="市红十字会", deadline=DEADLINE, today=OPENED)
    with pytest.raises(Forbidden):
        review_feedback(people[who], case, True, today=OPENED)
    with pytest.raises(Forbidden):
        close_case(people[who], case, today=OPENED)


def test_lagging_case_needs_a_lagging_task_and_only_one_open(people, task14, plan2024):
    done = Task.objects.get(plan=plan2024, number="1")
    with pytest.raises(DubanError, match="已完成") as refused:
        open_case_for_lagging_task(people["office"], done, OPENED)
    assert refused.value.code == "not_lagging"
    case = opened(people, task14)
    with pytest.raises(DubanError, match=case.number) as twice:
        opened(people, task14)
    assert twice.value.code == "exists"


def test_numbers_run_per_year(people, task14):
    first = opened(people, task14)
    second = open_case(people["office"], title="市领导批示:加快消防站建设", source="leader_instruction",
                       instruction="请督查室跟踪消防站开工", today=date(2024, 12, 20))
    next_year = open_case(people["office"], title="消防站竣工验收", source="leader_instruction",
                          instruction="年内竣工", today=date(2025, 1, 3))
    assert [first.number, second.number, next_year.number] == ["2024-001", "2024-002", "2025-001"]


def test_assignment_is_checked(people, task14):
    case = opened(people, task14)
    office = people["office"]
    with pytest.raises(DubanError, match="不能早于"):
        assign_case(office, case, lead_unit="市消防救援支队", deadline=date(2024, 12, 1), today=OPENED)
    with pytest.raises(DubanError, match="已是牵头单位"):
        assign_case(office, case, lead_unit="市消防救援支队", co_units=["市消防救援支队"], deadline=DEADLINE,
                    today=OPENED)
    with pytest.raises(DubanError, match="未知单位"):
        assign_case(office, case, lead_unit="市不存在局", deadline=DEADLINE, today=OPENED)
    # a corrected 交办 before the unit signs for it
    assign_case(office, case, lead_unit="市红十字会", deadline=DEADLINE, today=OPENED)
    assign_case(office, case, lead_unit="市消防救援支队", deadline=date(2024, 12, 12), today=OPENED)
    assert (case.lead_unit.name, case.deadline) == ("市消防救援支队", date(2024, 12, 12))


def test_opening_checks_its_source(people, task14):
    office = people["office"]
    with pytest.raises(DubanError, match="标题不能为空"):
        open_case(office, title=" ", source="lagging_task", task=task14, today=OPENED)
    with pytest.raises(DubanError, match="未知的督办来源"):
        open_case(office, title="x", source="rumour", today=OPENED)
    with pytest.raises(DubanError, match="须指明任务"):
        open_case(office, title="x", source="lagging_task", today=OPENED)
    with pytest.raises(DubanError, match="须指明问题"):
        open_case(office, title="x", source="public_clue", today=OPENED)
    with pytest.raises(DubanError, match="不是领导"):
        open_case(office, title="x", source="leader_instruction", instruction="督办", instructed_by=people["fire"],
                  today=OPENED)


def test_feedback_needs_text_and_acceptable_files(people, task14):
    case = in_progress(people, task14)
    with pytest.raises(DubanError, match="请填写办理情况"):
        submit_feedback(people["fire"], case, "  ", today=OPENED)
    bad = SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(DubanError, match="类型不允许"):
        submit_feedback(people["fire"], case, "已办理", [bad], today=OPENED)
    assert not CaseFile.objects.exists() and Case.objects.get(pk=case.pk).state == "in_progress"


def test_a_return_needs_a_reason_and_may_move_the_deadline(people, task14):
    case = in_progress(people, task14)
    submit_feedback(people["fire"], case, "已开工3处", today=date(2024, 12, 5))
    with pytest.raises(DubanError, match="写明理由"):
        review_feedback(people["office"], case, False, "", today=date(2024, 12, 6))
    review_feedback(people["office"], case, False, "请说明其余7处安排", today=date(2024, 12, 6),
                    deadline=date(2024, 12, 20))
    assert case.deadline == date(2024, 12, 20) and case.state == "in_progress"


def test_leaders_see_all_and_comment_co_units_see_theirs(people, task14):
    case = assigned(people, task14)
    event = comment_on_case(people["leader"], case, "务必年底前全部开工", today=date(2024, 12, 4))
    assert (event.kind, event.from_state, event.to_state, event.actor_name) == ("comment", "assigned", "assigned",
                                                                                 "leader")
    assert Notification.objects.filter(user=people["fire"], kind="comment", text__contains="务必").exists()
    assert AuditEntry.objects.filter(action="case.comment", object_id=str(case.pk)).count() == 1
    with pytest.raises(Forbidden):
        comment_on_case(people["fire"], case, "我也说两句", today=date(2024, 12, 4))

    for name, sees in [("leader", True), ("office", True), ("reviewer", True), ("fire", True), ("redcross", True),
                       ("edu", False)]:
        assert can_view_case(people[name], case) is sees, name
        assert visible_cases(people[name]).filter(pk=case.pk).exists() is sees, name
    assert list(cases_for_unit(case.lead_unit)) == [case]
    assert list(cases_for_unit(get_unit("市红十字会"), open_only=True)) == [case]  # 市红十字会 helps


def test_cases_for_a_leader_are_the_escalated_and_the_instructed(people, task14):
    leader = people["leader"]
    comment = Comment.objects.create(task=task14, author=leader, author_name="leader", kind="instruction",
                                     text="消防站建设要倒排工期")
    case = open_case(people["office"], title="落实领导批示:消防站建设", source="leader_instruction",
                     instruction=comment, today=OPENED)
    assert (case.instructed_by, case.task, case.instruction) == (leader, task14, "消防站建设要倒排工期")
    assert list(cases_for_leader(leader)) == [case]
    assert list(cases_for_leader(people["leader2"])) == []
    assert get_case("2024-001") == case
    with pytest.raises(DubanError) as missing:
        get_case("2024-999")
    assert missing.value.code == "not_found"


def test_pages_are_told_which_buttons_each_user_gets(people, task14):
    case = assigned(people, task14)
    assert actions_for(people["office"], case) == ["assign", "comment"]
    assert actions_for(people["fire"], case) == ["acknowledge"]
    assert actions_for(people["redcross"], case) == [] and actions_for(people["edu"], case) == []
    assert actions_for(people["leader"], case) == ["comment"]
    acknowledge_case(people["fire"], case, today=OPENED)
    start_case(people["fire"], case, today=OPENED)
    submit_feedback(people["fire"], case, "已办理", today=OPENED)
    assert actions_for(people["office"], case) == ["accept", "return", "comment"]
    assert actions_for(people["fire"], case) == []
