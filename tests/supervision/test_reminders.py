"""催办 by itself: task 14's case, assigned to 市消防救援支队 with feedback due 10 December, is urged
yellow from 7 December and red from 11 December (then escalated to the leaders) — once per level."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from duban.core.models import AuditEntry
from duban.supervision.models import CaseEvent, Notification, Urge
from duban.supervision.services import (
    acknowledge_case,
    assign_case,
    cases_for_leader,
    mark_read,
    notifications_for,
    open_case_for_lagging_task,
    review_feedback,
    run_reminders,
    start_case,
    submit_feedback,
    unread_count,
)

pytestmark = pytest.mark.django_db

DEADLINE = date(2024, 12, 10)
NOW = datetime(2024, 12, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def case(people, task14):
    case = open_case_for_lagging_task(people["office"], task14, date(2024, 12, 2))
    return assign_case(people["office"], case, lead_unit="市消防救援支队", deadline=DEADLINE, today=date(2024, 12, 2))


def urges(case):
    return sorted(Urge.objects.filter(case=case).values_list("level", "created", "escalated_to_leaders"))


def test_yellow_then_red_once_each_and_red_goes_to_the_leaders(people, case, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    leader = people["leader"]
    assert run_reminders(date(2024, 12, 6)).urges == []
    with django_capture_on_commit_callbacks(execute=True):
        run = run_reminders(date(2024, 12, 7))
    assert [u.level for u in run.urges] == ["yellow"] and run.escalated == 0
    assert urges(case) == [("yellow", date(2024, 12, 7), False)]
    told = Notification.objects.filter(kind="urge", created=date(2024, 12, 7))
    assert sorted(told.values_list("user__username", flat=True)) == ["fire", "fire2"]
    assert "距反馈期限(12月10日)还有3天" in told.first().text and told.first().link == "/cases/2024-001/"
    assert [m.to for m in mailoutbox] == [["fire@example.org"]]  # only fire has an address
    assert "【督办催办】2024-001" in mailoutbox[0].subject and "/cases/2024-001/" in mailoutbox[0].body

    assert run_reminders(date(2024, 12, 7)).urges == []  # twice on one day adds nothing
    assert run_reminders(date(2024, 12, 9)).urges == []  # yellow was raised already
    assert urges(case) == [("yellow", date(2024, 12, 7), False)]
    assert not Notification.objects.filter(user=leader).exists() and list(cases_for_leader(leader)) == []

    with django_capture_on_commit_callbacks(execute=True):
        run = run_reminders(date(2024, 12, 11))
    assert [u.level for u in run.urges] == ["red"] and run.escalated == 1
    assert urges(case) == [("red", date(2024, 12, 11), True), ("yellow", date(2024, 12, 7), False)]
    escalations = Notification.objects.filter(kind="escalation")
    assert sorted(escalations.values_list("user__username", flat=True)) == ["leader", "leader2"]
    assert "已超过反馈期限(12月10日)1天" in escalations.first().text
    assert ["leader@example.org"] in [m.to for m in mailoutbox]
    assert list(cases_for_leader(leader)) == [case] and list(cases_for_leader(people["leader2"])) == [case]

    for day in (date(2024, 12, 11), date(2024, 12, 12), date(2025, 1, 5)):
        assert run_reminders(day).urges == []
    assert Urge.objects.count() == 2
    assert list(case.events.filter(kind="urge").values_list("on", flat=True)) == [date(2024, 12, 7), date(2024, 12, 11)]
    assert AuditEntry.objects.filter(action="case.urge", actor_name="system").count() == 2


def test_a_case_that_fed_back_is_not_urged_and_a_new_deadline_is_urged_again(people, case):
    acknowledge_case(people["fire"], case, today=date(2024, 12, 3))
    start_case(people["fire"], case, today=date(2024, 12, 3))
    run_reminders(date(2024, 12, 8))
    submit_feedback(people["fire"], case, "已开工3处,其余12月下旬开工", today=date(2024, 12, 9))
    assert run_reminders(date(2024, 12, 15)).urges == []  # fed back: the office owes the review now
    review_feedback(people["office"], case, False, "请附开工计划", today=date(2024, 12, 16), deadline=date(2024, 12, 20))
    run = run_reminders(date(2024, 12, 18))
    assert [(u.level, u.deadline) for u in run.urges] == [("yellow", date(2024, 12, 20))]
    assert urges(case) == [("yellow", date(2024, 12, 8), False), ("yellow", date(2024, 12, 18), False)]


def test_an_unassigned_case_is_not_urged(people, task14):
    open_case_for_lagging_task(people["office"], task14, date(2024, 12, 2))
    assert run_reminders(date(2025, 6, 1)).urges == []
    assert not CaseEvent.objects.filter(kind="urge").exists()


def test_notifications_are_read_by_their_owner_only(people, case):
    fire, fire2 = people["fire"], people["fire2"]
    run_reminders(date(2024, 12, 11))
    assert unread_count(fire) == 2  # assigned, then the red urge
    assert [n.kind for n in notifications_for(fire)] == ["urge", "assigned"]  # newest first
    others = list(notifications_for(fire2))
    assert mark_read(fire, others, now=NOW) == 0  # someone else's: untouched
    first = notifications_for(fire).first()
    assert mark_read(fire, [first.pk], now=NOW) == 1
    assert unread_count(fire) == 1 and notifications_for(fire).get(pk=first.pk).read_at == NOW
    assert mark_read(fire, now=NOW) == 1 and unread_count(fire) == 0
    assert unread_count(fire2) == 2
