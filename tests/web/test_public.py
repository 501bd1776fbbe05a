"""The public portal (走进市办实事、见证民生项目): no login, the tasks with their status and only
approved progress — never comments, review notes, unapproved reports, findings, audit or evidence."""
import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from duban.core.models import AuditEntry
from duban.ledger.assessment import assess_plan
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_file
from duban.ledger.models import Evidence, Finding, Plan, ProgressReport, Task
from duban.ledger.models.plans import refresh_sort_keys
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, seeds):
    """The seeds imported and assessed once for the module, in a transaction rolled back at its end;
    each test runs in a savepoint inside it (pytest-django's `db`), so what a test writes goes away."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_file(seed(seeds, "000"))
        import_file(seed(seeds, "002"))
        plan = Plan.objects.get(year=2024)
        assess_plan(plan.pk, date(2024, 11, 30))
        yield plan.pk
        transaction.set_rollback(True)


@pytest.fixture
def ledger(imported, db):
    return Plan.objects.get(pk=imported)


def test_the_pages_work_on_an_empty_ledger(client, db):
    """First in the module: runs before the seeds are imported for the others."""
    user, _ = add_user("督查室", "office", password="duban-test-pass-2024")
    for url in ("/public/", "/public/?year=2024&status=done&domain=-"):
        assert client.get(url).status_code == 200, url
    client.force_login(user)
    for url in ("/dashboard/", "/dashboard/?year=all&as_of=2020-01-01", "/tasks/", "/units/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/tasks/999999/").status_code == 404


def fire_stations() -> Task:
    return Task.objects.get(plan__year=2024, number="14")


def test_the_portal_lists_the_tasks_with_their_status_without_login(client, ledger):
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "走进市办实事、见证民生项目" in html and "2024年市办实事" in html
    fourteen = fire_stations()
    item = re.search(rf'<li><span class="badge (\w+)">([^<]+)</span>\s*<a href="/public/tasks/{fourteen.pk}/">', html)
    assert item and item.groups() == ("red", "严重滞后")
    assert html.count('href="/public/tasks/') == 15  # the latest year by default
    assert '"/public/tasks/' in client.get("/public/", {"year": 2023}).content.decode()
    only_done = client.get("/public/", {"status": "done"}).content.decode()
    done = Task.objects.filter(plan=ledger, status="已完成").count()
    assert only_done.count('href="/public/tasks/') == done and f"/public/tasks/{fourteen.pk}/" not in only_done
    assert client.get("/public/", {"domain": "无此领域"}).content.decode().count('href="/public/tasks/') == 0


def test_the_public_searches_the_tasks_like_the_office_list(client, ledger):
    found = client.get("/public/", {"q": "消防站"}).content.decode()
    assert 'name="q" value="消防站"' in found
    assert found.count('href="/public/tasks/') == 1 and f"/public/tasks/{fire_stations().pk}/" in found
    # a unit's name finds its tasks too, and two words narrow the search
    by_unit = client.get("/public/", {"q": "市消防救援支队"}).content.decode()
    assert f"/public/tasks/{fire_stations().pk}/" in by_unit
    assert client.get("/public/", {"q": "消防站 口袋公园"}).content.decode().count('href="/public/tasks/') == 0
    assert "没有符合条件的项目(搜索“无此项目”)" in client.get("/public/", {"q": "无此项目"}).content.decode()


def test_a_public_search_beyond_the_cap_says_more_and_pages_on(client, ledger, monkeypatch):
    from duban.web import queries

    extra = Plan.objects.create(city="青岛市", year=2024, genre="other", title="检索上限测试计划")
    Task.objects.bulk_create([Task(plan=extra, number=str(i), order=i, content=f"公园测试任务{i}") for i in range(1, 131)])
    refresh_sort_keys([extra.pk])  # bulk_create skips save(), which keeps it
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 50)
    first = client.get("/public/", {"q": "公园测试任务"}).content.decode()
    assert "共 100项以上" in first and first.count('href="/public/tasks/') == 100  # a page is 100: counted to it
    assert 'page=2" rel="next">下一页' in first and "末页" not in first
    second = client.get("/public/", {"q": "公园测试任务", "page": 2}).content.decode()
    assert "共 130 项" in second and second.count('href="/public/tasks/') == 30 and 'rel="prev"' in second


def test_a_public_task_shows_only_approved_progress(client, ledger):
    fourteen = fire_stations()
    approved = fourteen.reports.get()
    assert approved.state == ProgressReport.State.APPROVED
    approved.review_note = "审核意见:数据已核对"
    approved.save()
    Evidence.objects.create(report=approved, file=ContentFile(b"x", name="scan.pdf"), name="消防站开工证明.pdf", size=1,
                            sha256="0" * 64)
    ProgressReport.objects.create(task=fourteen, as_of=date(2024, 12, 15), text="未审核的进展:剩余7处已全部开工",
                                  state=ProgressReport.State.SUBMITTED)
    ProgressReport.objects.create(task=fourteen, as_of=date(2024, 12, 20), text="被退回的进展文字",
                                  state=ProgressReport.State.RETURNED, review_note="退回:缺少佐证")
    leader, _ = add_user("市领导", "leader", password="duban-test-pass-2024")
    add_comment(leader, fourteen, "内部批示:请市消防救援支队加快推进", "instruction")
    Finding.objects.create(source=approved.source, task=fourteen, code="unit", message="待核实的导入问题")

    response = client.get(f"/public/tasks/{fourteen.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3处城镇消防站已开工建设" in html  # the approved report
    assert "严重滞后" in html and "开工建设10处城镇消防站" in html
    assert "市消防救援支队" in html and "市红十字会" in html
    assert "10处" in html  # a target
    for secret in ("未审核的进展", "被退回的进展文字", "退回:缺少佐证", "数据已核对", "内部批示", "待核实的导入问题",
                   "消防站开工证明.pdf", "comment.add", AuditEntry.objects.first().summary):
        assert secret not in html, secret


def test_the_portal_needs_no_login_and_hides_nothing_behind_it(client, ledger):
    client.logout()
    assert client.get(f"/public/tasks/{fire_stations().pk}/").status_code == 200
    assert client.get("/public/tasks/999999/").status_code == 404
    assert client.get("/public/", {"year": "x", "page": "y", "status": "不存在"}).status_code == 200


def test_a_province_of_plans_lists_the_first_and_pages_the_rest(client, ledger, monkeypatch):
    """A province publishes a thousand plans a year: the front page lists the first PLANS_SHOWN (and the
    one looked at), the plans' own page lists them all, a page at a time, each linked to the portal."""
    from duban.web.public import views

    for n in range(5):
        Plan.objects.create(city=f"测试市{n}", year=2024, genre="other", title=f"测试市{n}2024年民生实事")
    of_year = list(Plan.objects.filter(year=2024).order_by("genre", "title").values_list("pk", flat=True))
    monkeypatch.setattr(views, "PLANS_SHOWN", 2)
    monkeypatch.setattr(views, "PLANS_PAGE", 4)
    plan_link = re.compile(r'href="(?:/public/)?\?year=2024&amp;plan=(\d+)"')
    front = client.get("/public/", {"year": 2024}).content.decode()
    assert [int(pk) for pk in plan_link.findall(front)] == of_year[:2]
    assert f"查看2024年全部 {len(of_year)} 个计划" in front and 'href="/public/plans/?year=2024"' in front
    last = of_year[-1]
    looked_at = client.get("/public/", {"year": 2024, "plan": last}).content.decode()
    assert [int(pk) for pk in plan_link.findall(looked_at)] == [*of_year[:2], last]
    listed = []
    for page in (1, 2):
        html = client.get("/public/plans/", {"year": 2024, "page": page}).content.decode()
        assert f"共 {len(of_year)} 个" in html
        listed += [int(pk) for pk in re.findall(r'href="/public/\?year=2024&amp;plan=(\d+)"', html)]
    assert listed == of_year
