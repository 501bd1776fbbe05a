"""The ledger out of the browser, on the real seeds (the 2023 plan, seed 000, and the 2024 progress,
seed 002, assessed as of 30 November 2024): the task list as filtered downloads as an .xlsx that
openpyxl reads back with the same tasks in the same order, with the units, targets, status, reason and
latest approved progress; the export link carries the list's filters; a unit's reporter exports only
its unit's tasks; every page links the print stylesheet, which keeps colours and drops the navigation."""
import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from openpyxl import load_workbook

from duban.ledger.assessment import assess_plan
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Task, Unit
from duban.ledger.task_table import HEADERS
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PASSWORD = "duban-test-pass-2024"
AS_OF = date(2024, 11, 30)
TASK_LINK = re.compile(r'<td><a href="/tasks/(\d+)/">')


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, seeds):
    with django_db_blocker.unblock(), transaction.atomic():
        import_file(seed(seeds, "000"), today=AS_OF)
        import_file(seed(seeds, "002"), today=AS_OF)
        plan = Plan.objects.get(year=2024)
        assess_plan(plan.pk, AS_OF)
        yield plan.pk
        transaction.set_rollback(True)


@pytest.fixture
def plan2024(imported, db):
    return Plan.objects.get(pk=imported)


def signed_in(client, role, unit=None):
    user, _ = add_user(f"{role}-out", role, unit=unit, password=PASSWORD)
    client.force_login(user)
    return user


def listed_ids(client, query: str) -> list[int]:
    """The task ids of the list at /tasks/?query, every page, in order."""
    ids, page = [], 1
    while True:
        html = client.get(f"/tasks/?{query}&page={page}").content.decode()
        ids += [int(i) for i in TASK_LINK.findall(html)]
        if f"page={page + 1}" not in html:
            return ids
        page += 1


def workbook_rows(response) -> tuple[list, list[dict]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert ".xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    values = list(ws.iter_rows(values_only=True))
    head_at = next(i for i, r in enumerate(values) if r and r[0] == "序号")
    head = list(values[head_at])
    return values[:head_at], [dict(zip(head, r)) for r in values[head_at + 1:]]


def export_href(client, query: str) -> str:
    html = client.get(f"/tasks/?{query}").content.decode()
    m = re.search(r'id="export-xlsx" href="([^"]+)"', html)
    assert m, "the task list has no export link"
    return m.group(1).replace("&amp;", "&")


def test_filtered_list_exports_the_same_rows(client, plan2024):
    signed_in(client, "office")
    query = f"plan={plan2024.pk}&status=lagging&sort=status"
    href = export_href(client, query)
    assert urlsplit(href).path == "/tasks/export.xlsx"
    assert parse_qs(urlsplit(href).query) == {"plan": [str(plan2024.pk)], "status": ["lagging"], "sort": ["status"]}

    listed = listed_ids(client, query)
    assert 0 < len(listed) < plan2024.tasks.count()  # a real filter: some 2024 tasks lag, not all
    head, rows = workbook_rows(client.get(href))
    assert list(rows[0]) == list(HEADERS)
    tasks = {t.pk: t for t in Task.objects.filter(pk__in=listed)}
    assert [r["序号"] for r in rows] == [tasks[pk].number for pk in listed]
    assert [r["状态"] for r in rows] == [tasks[pk].status for pk in listed]
    assert {r["状态"] for r in rows} <= {"滞后", "严重滞后", "未开始", "逾期"}
    assert all(r["原因"] == (tasks[pk].status_reason or None) for r, pk in zip(rows, listed))
    assert "全部滞后" in head[1][0] and "导出日期" in head[1][0]


def test_rows_carry_units_targets_and_latest_progress(client, plan2024):
    signed_in(client, "office")
    _, rows = workbook_rows(client.get(f"/tasks/export.xlsx?plan={plan2024.pk}&sort=number"))
    assert len(rows) == plan2024.tasks.count()
    fire = next(r for r in rows if r["序号"] == "14")  # 城镇消防站: 市消防救援支队 leads
    assert "城镇消防站" in fire["任务"]
    assert "市消防救援支队" in fire["牵头单位"] + (fire["配合单位"] or "")
    jobs = next(r for r in rows if r["序号"] == "1")
    assert jobs["牵头单位"] == "市人力资源社会保障局"
    assert "35万人以上" in jobs["目标"]
    assert "36.61万人" in jobs["最新进展"]  # the 1-11月 report of seed 002
    assert jobs["进展截至"].date() == date(2024, 11, 30)


def test_reporter_exports_only_its_units_tasks(client, plan2024):
    signed_in(client, "reporter", "市教育局")
    _, rows = workbook_rows(client.get("/tasks/export.xlsx"))
    edu = Unit.objects.get(name="市教育局")
    own = Task.objects.filter(responsibilities__unit=edu).distinct().count()
    assert len(rows) == own > 0
    assert all("市教育局" in (r["牵头单位"] or "") + (r["配合单位"] or "") for r in rows)


def test_export_needs_a_signed_in_user(client, plan2024):
    response = client.get("/tasks/export.xlsx?plan=1")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/tasks/", "/dashboard/", "/units/"])
def test_pages_link_the_print_stylesheet(client, plan2024, path):
    signed_in(client, "office")
    html = client.get(path).content.decode()
    m = re.search(r'<link rel="stylesheet" href="([^"]*print[^"]*\.css)" media="print">', html)
    assert m, "no print stylesheet"
    css = b"".join(client.get(m.group(1)).streaming_content).decode()
    assert "print-color-adjust: exact" in css
    assert re.search(r"\.topbar nav[^{]*\{[^}]*display: none", css)
    assert "size: A4" in css


def test_unit_scorecard_links_the_print_stylesheet(client, plan2024):
    signed_in(client, "office")
    unit = Unit.objects.get(name="市教育局")
    html = client.get(f"/units/{unit.pk}/").content.decode()
    assert 'media="print"' in html and "data-print" in html
