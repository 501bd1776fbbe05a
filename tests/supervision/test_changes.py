"""调整 / 延期申请: 市消防救援支队 asks to lower task 14's 10 fire stations to 8; 市教育局 asks to move
a 2023 milestone of its schools task. Approved changes apply, and the original stays readable."""
from datetime import date

import pytest

from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.importer import import_file
from duban.ledger.models import Indicator, Plan, Task
from duban.people.roles import Forbidden
from duban.supervision.models import ChangeRequest, Notification
from duban.supervision.services import (
    adjusted_words,
    decide_change,
    original_due,
    original_dues,
    original_target,
    original_targets,
    request_change,
    was_changed,
)
from tests.conftest import seed

pytestmark = pytest.mark.django_db

ASKED = date(2024, 12, 2)


@pytest.fixture
def stations(task14):
    return Indicator.objects.get(task=task14, metric="开工建设城镇消防站")


@pytest.fixture
def september(seeds, people):
    import_file(seed(seeds, "000"))
    task3 = Task.objects.get(plan=Plan.objects.get(year=2023), number="3")
    return task3.milestones.get(due=date(2023, 9, 30))


def test_an_approved_target_change_applies_and_keeps_the_original(people, stations):
    fire, office = people["fire"], people["office"]
    asked = request_change(fire, indicator=stations, new_value="8处", reason="2处选址调整至2025年", today=ASKED)
    assert (asked.kind, asked.state, asked.original_value, asked.requested_value) == ("target", "pending", 10, 8)
    assert (asked.unit.name, asked.subject) == ("市消防救援支队", "开工建设城镇消防站")
    assert Notification.objects.filter(user=office, kind="change").exists()
    assert original_target(stations) is None  # pending: nothing changed yet

    decide_change(office, asked, approve=True, reason="同意", today=date(2024, 12, 3))
    stations.refresh_from_db()
    assert stations.target == 8 and asked.state == "approved" and asked.decided_by == office
    assert original_target(stations) == 10 and original_targets([stations.pk]) == {stations.pk: 10}
    assert was_changed(stations) and adjusted_words(stations) == "8处(原目标10处)"
    assert ChangeRequest.objects.get(pk=asked.pk).original_value == 10
    audit = AuditEntry.objects.filter(object_type="supervision.changerequest").order_by("id")
    assert [a.action for a in audit] == ["change.request", "change.approve"]
    assert audit[1].after["original_value"] == 10 and audit[1].after["requested_value"] == 8
    # the task was reassessed against the new target (3 of 8 is still behind, but judged anew)
    task = Task.objects.get(pk=stations.task_id)
    assert task.assessed_on == date(2024, 12, 3) and "开工建设城镇消防站" in task.status_reason
    assert Notification.objects.filter(user=fire, kind="change", text__contains="已批准").exists()

    # a second change later: the original stays the first one
    again = request_change(fire, indicator=stations, new_value=7, reason="再调整", today=date(2024, 12, 10))
    decide_change(office, again, approve=True, today=date(2024, 12, 11))
    stations.refresh_from_db()
    assert stations.target == 7 and original_target(stations) == 10


def test_a_rejected_change_leaves_the_target(people, stations):
    asked = request_change(people["fire"], indicator=stations, new_value=5, reason="困难较大", today=ASKED)
    with pytest.raises(DubanError, match="写明理由"):
        decide_change(people["office"], asked, approve=False, today=ASKED)
    decide_change(people["office"], asked, approve=False, reason="目标为市政府承诺,不予调整", today=ASKED)
    stations.refresh_from_db()
    assert stations.target == 10 and asked.state == "rejected" and original_target(stations) is None
    with pytest.raises(DubanError) as twice:
        decide_change(people["office"], asked, approve=True, today=ASKED)
    assert twice.value.code == "invalid_transition"


def test_an_approved_due_change_moves_the_milestone_and_keeps_the_original(people, september):
    edu = people["edu"]
    asked = request_change(edu, milestone=september, new_due=date(2023, 10, 31), reason="汛期影响施工",
                           today=date(2023, 9, 1))
    assert (asked.kind, asked.original_due, asked.requested_due) == ("due", date(2023, 9, 30), date(2023, 10, 31))
    decide_change(people["office"], asked, approve=True, today=date(2023, 9, 2))
    september.refresh_from_db()
    assert september.due == date(2023, 10, 31)
    assert original_due(september) == date(2023, 9, 30)
    assert original_dues([september.pk]) == {september.pk: date(2023, 9, 30)}
    assert asked.original_display == "2023-09-30" and asked.requested_display == "2023-10-31"


def test_who_may_ask_and_what(people, stations, september):
    with pytest.raises(Forbidden, match="牵头单位"):
        request_change(people["edu"], indicator=stations, new_value=8, reason="x", today=ASKED)  # not its task
    with pytest.raises(Forbidden):
        request_change(people["office"], indicator=stations, new_value=8, reason="x", today=ASKED)
    with pytest.raises(DubanError, match="理由"):
        request_change(people["fire"], indicator=stations, new_value=8, reason=" ", today=ASKED)
    with pytest.raises(DubanError, match="相同"):
        request_change(people["fire"], indicator=stations, new_value=10, reason="x", today=ASKED)
    with pytest.raises(DubanError, match="计量单位"):
        request_change(people["fire"], indicator=stations, new_value="8台", reason="x", today=ASKED)
    with pytest.raises(DubanError, match="一个指标或一个时间节点"):
        request_change(people["fire"], reason="x", today=ASKED)
    with pytest.raises(DubanError, match="不能早于申请日期"):
        request_change(people["edu"], milestone=september, new_due=date(2023, 8, 1), reason="x", today=date(2023, 9, 1))
    with pytest.raises(Forbidden):  # 市财政局 and others only co-operate on task 3; edu leads it
        request_change(people["health"], milestone=september, new_due=date(2023, 10, 31), reason="x",
                       today=date(2023, 9, 1))
    request_change(people["fire"], indicator=stations, new_value=8, reason="选址", today=ASKED)
    with pytest.raises(DubanError, match="待审核") as pending:
        request_change(people["fire2"], indicator=stations, new_value=9, reason="选址", today=ASKED)
    assert pending.value.code == "exists"
    with pytest.raises(Forbidden, match="督查室"):
        decide_change(people["fire"], ChangeRequest.objects.get(), approve=True, today=ASKED)


def test_a_target_changed_meanwhile_is_not_overwritten(people, stations):
    asked = request_change(people["fire"], indicator=stations, new_value=8, reason="选址", today=ASKED)
    Indicator.objects.filter(pk=stations.pk).update(target=12)  # a new plan version changed it
    with pytest.raises(DubanError, match="已被修改") as refused:
        decide_change(people["office"], asked, approve=True, today=ASKED)
    assert refused.value.code == "conflict"
    stations.refresh_from_db()
    assert stations.target == 12 and ChangeRequest.objects.get(pk=asked.pk).state == "pending"
