"""Units hear what concerns them, on the 2024 progress (seed 002): a reporter is told when a report
is approved or returned (with the reason), and so is every other reporter of the unit; a reporter
who joins a unit after a case was assigned to it learns of the case."""
from datetime import date

import pytest

from duban.ledger.workflow import review_progress, submit_progress
from duban.people.services import add_user, change_user, get_user, set_active
from duban.supervision.models import Notification
from duban.supervision.services import assign_case, open_case_for_lagging_task
from tests.supervision.conftest import PW

pytestmark = pytest.mark.django_db

TODAY = date(2024, 12, 2)
STATIONS = "开工建设城镇消防站"


def report(people, task14):
    return submit_progress(people["fire"], task14, date(2024, 11, 30), [(STATIONS, "5处")], "已开工5处", today=TODAY)


def test_a_returned_report_tells_its_unit_why(people, task14):
    r = report(people, task14)
    review_progress(people["office"], r, approve=False, reason="请附开工许可证", expected_version=1, today=TODAY)
    told = Notification.objects.filter(kind="report_returned")
    assert set(told.values_list("user__username", flat=True)) == {"fire", "fire2"}
    n = told.get(user=people["fire"])
    assert "请附开工许可证" in n.text and "第14项" in n.text and n.link == f"/unit/reports/{r.pk}/revise/"
    assert not Notification.objects.filter(user=people["redcross"], kind="report_returned").exists()


def test_an_approved_report_tells_its_unit(people, task14):
    r = report(people, task14)
    review_progress(people["reviewer"], r, approve=True, expected_version=1, today=TODAY)
    n = Notification.objects.get(user=people["fire"], kind="report_approved")
    assert "审核通过" in n.text and n.created == TODAY


def test_a_member_who_joins_later_learns_of_the_units_open_cases(people, task14):
    case = open_case_for_lagging_task(people["office"], task14, TODAY)
    assign_case(people["office"], case, lead_unit="市消防救援支队", co_units=["市红十字会"],
                deadline=date(2024, 12, 10), today=TODAY)
    newcomer, _ = add_user("fire3", "reporter", unit="市消防救援支队", password=PW, name="王磊", title="科员")
    n = Notification.objects.get(user=newcomer, kind="unit_case")
    assert case.number in n.text and "牵头" in n.text and "2024-12-10" in n.text and n.link == case.path()
    # moved from another unit: the co-unit's member learns it helps on the case
    change_user(people["edu"], role="reporter", unit="市红十字会", name="", title="")
    assert "协办" in Notification.objects.get(user=people["edu"], kind="unit_case").text
    # re-enabled: told again of what is open now
    set_active(get_user("fire2"), False)
    set_active(get_user("fire2"), True)
    assert Notification.objects.filter(user=people["fire2"], kind="unit_case").count() == 1
