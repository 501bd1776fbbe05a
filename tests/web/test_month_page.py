"""The month calendar's page (/calendar/) on the 2023 plan (seed 000): the office filters by unit and
gets that unit's ICS link beside it; a leader sees the whole office's month and no feed; the month
links keep the unit; a bad month falls back to this month; a reporter's ?unit= is ignored."""
import re

import pytest

from duban.ledger.importer import import_file
from duban.ledger.models import Task, Unit
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PW = "duban-month-pass-2024"


@pytest.fixture(autouse=True)
def quick(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan2023(seeds):
    import_file(seed(seeds, "000"))


def signed_in(client, role, unit=None):
    client.force_login(add_user(f"{role}-month", role, unit=unit, password=PW)[0])
    return client


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def task_links(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', page)}


def test_office_filters_by_unit_beside_its_feed(client, plan2023):
    signed_in(client, "office")
    edu = Unit.objects.get(name="市教育局")
    everyone = html(client.get("/calendar/?month=2023-06"))
    assert "全部单位" in everyone and ".ics" not in everyone
    june = set(Task.objects.filter(plan__year=2023, milestones__due__year=2023, milestones__due__month=6)
               .values_list("pk", flat=True))
    assert task_links(everyone) == june and len(june) >= 15
    own = html(client.get(f"/calendar/?month=2023-06&unit={edu.pk}"))
    assert task_links(own) == set(Task.objects.filter(pk__in=june, responsibilities__unit=edu).values_list("pk", flat=True))
    assert f'href="/calendar/{edu.pk}.ics?token=' in own
    assert f'href="?month=2023-07&amp;unit={edu.pk}"' in own and f'href="?month=2023-05&amp;unit={edu.pk}"' in own


def test_leader_sees_the_office_month_without_a_feed(client, plan2023):
    signed_in(client, "leader")
    edu = Unit.objects.get(name="市教育局")
    page = html(client.get(f"/calendar/?month=2023-06&unit={edu.pk}"))
    assert "市教育局" in page and ".ics" not in page
    assert "督办日历" in html(client.get("/calendar/?month=2023-13"))  # not a month: this month


def test_reporter_sees_its_own_unit_whatever_it_asks(client, plan2023):
    signed_in(client, "reporter", "市教育局")
    hr = Unit.objects.get(name="市人力资源社会保障局")
    page = html(client.get(f"/calendar/?month=2023-06&unit={hr.pk}"))
    assert Task.objects.get(plan__year=2023, number="1").pk not in task_links(page)  # 市人力资源社会保障局's
    assert Task.objects.get(plan__year=2023, number="3").pk in task_links(page)
    assert 'name="unit"' not in page and "订阅市教育局日历" in page


def test_a_busy_day_links_to_its_own_page_which_lists_every_step_a_page_at_a_time(client, plan2023, monkeypatch):
    from duban.supervision.services import month as service
    from duban.web.supervision import month as view

    signed_in(client, "office")
    june30 = list(Task.objects.filter(plan__year=2023, milestones__due="2023-06-30").order_by("pk")
                  .values_list("pk", flat=True))
    monkeypatch.setattr(service, "DAY_SHOWN", 5)
    monkeypatch.setattr(view, "DAY_PAGE", 7)
    page = html(client.get("/calendar/?month=2023-06"))
    assert len(task_links(page)) == 5 and f"另有 {len(june30) - 5} 个时间节点,查看当天全部" in page
    assert 'href="?day=2023-06-30"' in page and f'id="count-milestone">{len(june30)}<' in page
    seen: list[int] = []
    for n in range(1, -(-len(june30) // 7) + 1):
        day = html(client.get(f"/calendar/?day=2023-06-30&page={n}"))
        assert f'id="day-count">{len(june30)}<' in day
        seen += [int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', day)]
    assert seen == june30
    edu = Unit.objects.get(name="市教育局")
    own = html(client.get(f"/calendar/?day=2023-06-30&unit={edu.pk}"))
    assert task_links(own) == set(Task.objects.filter(pk__in=june30, responsibilities__unit=edu).values_list("pk", flat=True))
    assert "6月进展情况报送截止" in html(client.get("/calendar/?day=2023-06-25"))
