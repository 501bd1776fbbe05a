"""A unit's workspace and the review queue, through the pages, on the 2023 plan (seed 000):
市教育局 reports on task 3 (开工新建改扩建中小学和幼儿园30所) with a photo, the office approves,
returns, the unit revises; what another unit may not do, it cannot do."""
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from duban.core.models import AuditEntry
from duban.ledger.importer import import_file
from duban.ledger.models import Evidence, Milestone, Plan, ProgressReport, Task, Unit
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PW = "duban-test-password-1"
SCHOOLS = "开工新建改扩建中小学和幼儿园"
PHOTO = b"\xff\xd8\xff fake jpeg: the site of the new school"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(seeds):
    import_file(seed(seeds, "000"))
    return Plan.objects.get(year=2023)


@pytest.fixture
def task3(plan):
    return Task.objects.get(plan=plan, number="3")


@pytest.fixture
def users(plan):
    return {
        "office": add_user("office", "office", password=PW)[0],
        "reviewer": add_user("reviewer", "reviewer", password=PW)[0],
        "edu": add_user("edu", "reporter", unit="市教育局", password=PW)[0],
        "hr": add_user("hr", "reporter", unit="市人力资源社会保障局", password=PW)[0],
    }


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def indicator_field(task, metric) -> str:
    return f"ind_{task.indicators.get(metric=metric).pk}"


def report_form(task, value="12", **extra):
    return {"as_of": "2023-06-30", indicator_field(task, SCHOOLS): value, "text": "已开工12所,完成招标",
            "files": [SimpleUploadedFile("开工现场.jpg", PHOTO, content_type="image/jpeg")]} | extra


def submit(client, task, **extra):
    return client.post(f"/unit/tasks/{task.pk}/report/", report_form(task, **extra))


def not_written():
    return ProgressReport.objects.count() == 0 and Evidence.objects.count() == 0 and not AuditEntry.objects.filter(
        action__startswith="progress.").exists()


# ---------------------------------------------------------------- workspace


def test_a_reporter_logs_in_and_sees_only_its_units_tasks(client, users, task3):
    response = client.post("/login/", {"username": "edu", "password": PW})
    assert response.status_code == 302
    response = client.get("/unit/")
    assert response.status_code == 200
    page = text(response)
    mine = set(Task.objects.filter(responsibilities__unit__name="市教育局").values_list("pk", flat=True))
    linked = {int(pk) for pk in re.findall(r'href="/unit/tasks/(\d+)/report/"', page)}
    assert task3.pk in mine and linked == mine
    assert "开工新建改扩建中小学和幼儿园30所" in page and "牵头" in page
    assert "实现城镇新增就业35万人以上" not in page  # 市人力资源社会保障局's task


def test_the_workspace_shows_what_is_due_next_and_highlights_the_next_thirty_days(client, users, task3):
    today = timezone.localdate()
    Milestone.objects.create(task=task3, due=today + timedelta(days=10), text="完成新建学校主体封顶", order=98)
    Milestone.objects.create(task=task3, due=today + timedelta(days=90), text="完成全部竣工验收", order=99)
    page = text(login(client, users["edu"]).get("/unit/"))
    soon, later = page.index("完成新建学校主体封顶"), page.index("完成全部竣工验收")
    assert soon < later  # soonest first
    assert "30天内到期" in page[page.index("即将到期"):later]
    assert "30天内到期" not in page[later:later + 200]


def test_the_office_views_any_unit_and_a_reporter_only_its_own(client, users, task3):
    edu, hr = Unit.objects.get(name="市教育局"), Unit.objects.get(name="市人力资源社会保障局")
    office = login(client, users["office"])
    assert "请选择单位" in text(office.get("/unit/"))
    assert "开工新建改扩建中小学和幼儿园30所" in text(office.get(f"/unit/?unit={edu.pk}"))
    reporter = login(client, users["edu"])
    assert reporter.get(f"/unit/?unit={hr.pk}").status_code == 403
    assert client.logout() is None and client.get("/unit/").status_code == 302  # to the login page


def report_links(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/unit/tasks/(\d+)/report/"', page)]


def test_the_workspace_shows_the_units_latest_year_a_page_at_a_time(client, users, seeds, monkeypatch):
    """A province's unit may hold thousands of tasks: one plan year (its latest unless asked), 50 to a
    page in list order, counted as a search is (exact up to the cap, 以上 beyond)."""
    from duban.web.unit import workspace as W

    import_file(seed(seeds, "000"))  # 2023
    import_file(seed(seeds, "002"))  # 2024
    edu = Task.objects.filter(responsibilities__unit__name="市教育局").order_by("sort_key", "id")
    by_year = {y: [t.pk for t in edu if t.plan.year == y] for y in (2023, 2024)}
    assert by_year[2023] and by_year[2024]
    reporter = login(client, users["edu"])
    page = text(reporter.get("/unit/"))
    assert report_links(page) == by_year[2024] and f"2024年负责任务 {len(by_year[2024])} 项" in page
    assert report_links(text(reporter.get("/unit/?year=2023"))) == by_year[2023]
    assert report_links(text(reporter.get("/unit/?year=all"))) == [t.pk for t in edu]

    monkeypatch.setattr(W, "PER_PAGE", 2)
    every = [t.pk for t in edu]
    pages = [report_links(text(reporter.get(f"/unit/?year=all&page={n}"))) for n in range(1, -(-len(every) // 2) + 1)]
    assert [pk for p in pages for pk in p] == every and all(len(p) <= 2 for p in pages)
    assert 'rel="next"' in text(reporter.get("/unit/?year=all&page=1"))

    monkeypatch.setattr(W, "COUNT_CAP", 2)
    page = text(reporter.get("/unit/?year=all"))
    assert "全部年度负责任务 2项以上" in page and report_links(page) == every[:2]


def test_each_task_shows_its_three_latest_reports(client, users, task3):
    from datetime import date

    for month in range(3, 8):
        ProgressReport.objects.create(task=task3, as_of=date(2023, month, 28), text=f"{month}月进展", state="approved")
    page = text(login(client, users["edu"]).get("/unit/"))
    row = page[page.index(f'href="/unit/tasks/{task3.pk}/report/"') - 3000:page.index(f'href="/unit/tasks/{task3.pk}/report/"')]
    assert [d for d in ("2023-07-28", "2023-06-28", "2023-05-28", "2023-04-28", "2023-03-28") if d in row] == [
        "2023-07-28", "2023-06-28", "2023-05-28"]


def test_the_workspace_lists_the_steps_due_next_of_the_units_year_only(client, users, seeds):
    import_file(seed(seeds, "000"))
    import_file(seed(seeds, "002"))
    today = timezone.localdate()
    old = Task.objects.get(plan__year=2023, number="3")
    new = Task.objects.filter(plan__year=2024, responsibilities__unit__name="市教育局").first()
    Milestone.objects.create(task=old, due=today + timedelta(days=5), text="旧年度的节点", order=98)
    Milestone.objects.create(task=new, due=today + timedelta(days=7), text="本年度的节点", order=98)
    page = text(login(client, users["edu"]).get("/unit/"))
    assert "本年度的节点" in page and "旧年度的节点" not in page
    assert "旧年度的节点" in text(client.get("/unit/?year=2023"))


# ---------------------------------------------------------------- the progress form


def test_the_form_labels_each_indicator_with_its_target_and_last_approved_value(client, users, task3):
    page = text(login(client, users["edu"]).get(f"/unit/tasks/{task3.pk}/report/"))
    assert f"{SCHOOLS}(所)" in page and "目标 30所" in page and "尚无审核通过的数值" in page
    assert 'type="date"' in page and 'value="2023-12-31"' in page  # today is past the plan year
    assert 'multiple' in page and 'enctype="multipart/form-data"' in page


def test_a_reporter_submits_progress_with_a_file(client, users, task3):
    client = login(client, users["edu"])
    response = submit(client, task3)
    assert response.status_code == 302 and response["Location"] == "/unit/"
    report = ProgressReport.objects.get()
    assert (report.task, report.state, report.submitted_by, report.version) == (task3, "submitted", users["edu"], 1)
    assert [(o.metric, o.value) for o in report.observations.all()] == [(SCHOOLS, 12)]
    [ev] = Evidence.objects.all()
    assert ev.name == "开工现场.jpg" and ev.size == len(PHOTO)
    entry = AuditEntry.objects.get(action="progress.submit")
    assert entry.task == task3 and entry.actor == users["edu"]
    page = text(client.get("/unit/"))
    assert "等待督查室审核" in page and "已提交" in page


@pytest.mark.parametrize("fields, where, message", [
    ({"value": "-5"}, "ind", "不能为负"),
    ({"value": "12人"}, "ind", "计量单位"),
    ({"value": "很多"}, "ind", "无法识别"),
    ({"as_of": "2024-03-31"}, "as_of", "须在计划年度 2023 年内"),
    ({"value": "", "text": ""}, None, "请至少填写一项指标数值或进展情况"),
    ({"files": [SimpleUploadedFile("病毒.exe", b"MZ")]}, "files", "类型不允许"),
])
def test_errors_stand_beside_their_fields_in_chinese_and_nothing_is_written(client, users, task3, fields, where,
                                                                           message):
    response = submit(login(client, users["edu"]), task3, **fields)
    assert response.status_code == 400
    form = response.context["form"]
    name = indicator_field(task3, SCHOOLS) if where == "ind" else where
    errors = form.errors.get(name or "__all__")
    assert errors and message in " ".join(errors), form.errors
    assert message in text(response)
    assert not_written()


def test_a_reporter_cannot_report_on_another_units_task(client, users, task3):
    response = submit(login(client, users["hr"]), task3)
    assert response.status_code == 403 and "只能填报本单位负责的任务" in text(response)
    assert login(client, users["hr"]).get(f"/unit/tasks/{task3.pk}/report/").status_code == 403
    assert not_written()


# ---------------------------------------------------------------- review


def test_the_office_approves_and_a_second_approval_with_the_old_version_conflicts(client, users, task3):
    submit(login(client, users["edu"]), task3)
    report = ProgressReport.objects.get()
    office = login(client, users["office"])
    queue = text(office.get("/unit/reviews/"))
    assert "开工新建改扩建中小学和幼儿园" in queue and "12所" in queue and "30所" in queue and "40%" in queue
    assert "市教育局" in queue and f"/unit/evidence/{Evidence.objects.get().pk}/" in queue
    assert 'name="version" value="1"' in queue
    response = office.post(f"/unit/reviews/{report.pk}/", {"action": "approve", "version": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    task3.refresh_from_db()
    assert (report.state, report.version) == ("approved", 2)
    # reassessed now; a past year's plan is judged as it stood at its year's end
    from duban.ledger.assessment import judged_on

    assert task3.assessed_on == judged_on(task3.plan.year, timezone.localdate()) and task3.status
    again = office.post(f"/unit/reviews/{report.pk}/", {"action": "approve", "version": "1"})
    assert again.status_code == 409 and "该进展已被他人修改,请刷新后重试" in text(again)
    assert AuditEntry.objects.filter(action="progress.approve").count() == 1
    assert "没有待审核的进展" in text(office.get("/unit/reviews/"))


def test_returning_needs_a_reason_and_the_unit_revises_the_returned_report(client, users, task3):
    submit(login(client, users["edu"]), task3)
    report = ProgressReport.objects.get()
    reviewer = login(client, users["reviewer"])
    response = reviewer.post(f"/unit/reviews/{report.pk}/", {"action": "return", "version": "1", "reason": " "})
    assert response.status_code == 400 and "退回须填写退回理由" in text(response)
    reviewer.post(f"/unit/reviews/{report.pk}/", {"action": "return", "version": "1", "reason": "请附开工许可证"})
    report.refresh_from_db()
    assert (report.state, report.review_note, report.version) == ("returned", "请附开工许可证", 2)

    client = login(client, users["edu"])
    page = text(client.get("/unit/"))
    assert "被退回的进展" in page and "退回理由:请附开工许可证" in page and f"/unit/reports/{report.pk}/revise/" in page
    form = text(client.get(f"/unit/reports/{report.pk}/revise/"))
    assert 'value="12"' in form and 'name="version" value="2"' in form and "请附开工许可证" in form
    response = client.post(f"/unit/reports/{report.pk}/revise/", report_form(
        task3, value="15", version="2", files=[SimpleUploadedFile("施工许可证.pdf", b"%PDF-1.4 permit")]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.version, report.review_note) == ("submitted", 3, "")
    assert [o.value for o in report.observations.all()] == [15] and report.evidence.count() == 2
    stale = client.post(f"/unit/reports/{report.pk}/revise/", report_form(task3, value="16", version="2"))
    assert stale.status_code == 409 and "该进展已被他人修改" in text(stale)


def test_reporters_do_not_review(client, users, task3):
    submit(login(client, users["edu"]), task3)
    report = ProgressReport.objects.get()
    assert client.get("/unit/reviews/").status_code == 403
    assert client.post(f"/unit/reviews/{report.pk}/", {"action": "approve", "version": "1"}).status_code == 403
    report.refresh_from_db()
    assert report.state == "submitted"


# ---------------------------------------------------------------- evidence


def test_evidence_is_downloaded_only_by_those_who_may_see_its_task(client, users, task3):
    submit(login(client, users["edu"]), task3)
    ev = Evidence.objects.get()
    url = f"/unit/evidence/{ev.pk}/"
    for who in ("edu", "office", "reviewer"):
        response = login(client, users[who]).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PHOTO
        assert "attachment" in response["Content-Disposition"] and response["Content-Type"] == "image/jpeg"
    assert login(client, users["hr"]).get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
