"""Milestones getting done through the pages and the API, on a ledger built in the test: the unit's
progress form says which steps are done, the review queue shows it, the approval marks them; the office
marks a step done (or takes it back) on the task page; the API takes and gives the same claims.

The plan is of 2025, a closed year whatever the machine's date: a step not done by 31 December is 逾期."""
from datetime import date

import pytest

from duban.core.models import AuditEntry
from duban.ledger.assessment import reassess
from duban.ledger.models import Milestone, ProgressReport, Task
from duban.people.models import ApiToken
from tests.builders import make_plan, make_task, make_user

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def task():
    t = make_task(make_plan(year=YEAR), "1", content="建设市民健身中心", lead="市体育局",
                  milestones=[(date(YEAR, 3, 31), "完成选址"), (date(YEAR, 10, 31), "全面完成并投入使用")])
    reassess([t.pk], date(YEAR + 1, 1, 15))
    assert Task.objects.get(pk=t.pk).status == "逾期"
    return t


@pytest.fixture
def people():
    return {"office": make_user("office"), "reviewer": make_user("reviewer", "reviewer"),
            "sport": make_user("sport", "reporter", unit="市体育局")}


def as_(client, user):
    client.force_login(user)
    return client


def last(task) -> Milestone:
    return task.milestones.order_by("-due").first()


def text(response) -> str:
    return response.content.decode()


def test_the_form_says_a_step_is_done_and_the_approval_marks_it(client, task, people):
    m = last(task)
    page = text(as_(client, people["sport"]).get(f"/unit/tasks/{task.pk}/report/"))
    assert f'name="ms_{m.pk}"' in page and "全面完成并投入使用" in page and "已完成的时间节点" in page

    wrong = client.post(f"/unit/tasks/{task.pk}/report/", {
        "as_of": f"{YEAR}-10-31", f"ms_{m.pk}": "on", f"ms_{m.pk}_on": f"{YEAR}-11-02", "text": "竣工"})
    assert wrong.status_code == 400 and "完成日期不能晚于截至日期" in text(wrong)
    assert not ProgressReport.objects.exists()

    done = client.post(f"/unit/tasks/{task.pk}/report/", {
        "as_of": f"{YEAR}-11-20", f"ms_{m.pk}": "on", f"ms_{m.pk}_on": f"{YEAR}-10-28",
        f"ms_{m.pk}_evidence": "竣工验收报告", "text": ""})  # a step done is a report by itself
    assert done.status_code == 302
    report = ProgressReport.objects.get()
    assert report.milestones_done == [{"id": m.pk, "done_on": f"{YEAR}-10-28", "evidence": "竣工验收报告"}]
    assert last(task).done_on is None

    queue = text(as_(client, people["reviewer"]).get("/unit/reviews/"))
    assert "报告已完成的时间节点" in queue and f"{YEAR}-10-28完成,依据:竣工验收报告" in queue
    client.post(f"/unit/reviews/{report.pk}/", {"action": "approve", "version": report.version})
    assert last(task).done_on == date(YEAR, 10, 28)
    # the last step done: the work the steps led to is finished, 完成选址 with it, and the task is done
    assert Task.objects.get(pk=task.pk).status == "已完成"
    page = text(as_(client, people["office"]).get(f"/tasks/{task.pk}/?as_of={YEAR + 1}-01-15"))
    assert "已完成(2025-10-28)" in page and "竣工验收报告" in page


def test_a_revision_keeps_the_claim_checked_and_can_drop_it(client, task, people):
    m = last(task)
    as_(client, people["sport"]).post(f"/unit/tasks/{task.pk}/report/", {
        "as_of": f"{YEAR}-11-20", f"ms_{m.pk}": "on", "text": "竣工"})
    report = ProgressReport.objects.get()
    page = text(client.get(f"/unit/reports/{report.pk}/revise/"))
    assert f'name="ms_{m.pk}" id="id_ms_{m.pk}" checked' in page
    client.post(f"/unit/reports/{report.pk}/revise/", {"as_of": f"{YEAR}-11-20", "text": "竣工,待验收",
                                                       "version": report.version})
    assert ProgressReport.objects.get().milestones_done == []


def test_the_office_marks_a_step_done_on_the_task_page_and_the_task_leaves_overdue(client, task, people):
    m = last(task)
    first = task.milestones.order_by("due").first()
    page = text(as_(client, people["reviewer"]).get(f"/tasks/{task.pk}/"))
    assert f"/milestones/{m.pk}/done/" not in page  # only the office marks steps done
    assert client.post(f"/milestones/{m.pk}/done/", {"done_on": f"{YEAR}-10-30", "evidence": "验收"}).status_code == 403

    page = text(as_(client, people["office"]).get(f"/tasks/{task.pk}/"))
    assert f'action="/milestones/{m.pk}/done/"' in page
    bad = client.post(f"/milestones/{m.pk}/done/", {"done_on": f"{YEAR}-10-30", "evidence": ""}, follow=True)
    assert "未能标记完成:请写明完成依据" in text(bad) and last(task).done_on is None

    client.post(f"/milestones/{first.pk}/done/", {"done_on": f"{YEAR}-03-28", "evidence": "选址批复"})
    assert Task.objects.get(pk=task.pk).status == "逾期"
    response = client.post(f"/milestones/{m.pk}/done/", {"done_on": f"{YEAR}-10-30", "evidence": "现场核查已投入使用"})
    assert response.status_code == 302 and response["Location"].endswith(f"#milestone-{m.pk}")
    assert Task.objects.get(pk=task.pk).status == "已完成"
    page = text(client.get(f"/tasks/{task.pk}/"))
    assert "“全面完成并投入使用”标记为已完成(2025-10-30):现场核查已投入使用" in page  # the history
    assert f'action="/milestones/{m.pk}/reopen/"' in page

    client.post(f"/milestones/{m.pk}/reopen/", {"reason": "核查发现尚未开放"})
    assert last(task).done_on is None and Task.objects.get(pk=task.pk).status == "逾期"
    assert list(AuditEntry.objects.filter(task=task).order_by("id").values_list("action", flat=True)) == [
        "milestone.done", "milestone.done", "milestone.reopen"]


def test_the_api_takes_and_gives_the_steps_a_report_says_are_done(client, task, people):
    m = last(task)
    token = ApiToken.issue(people["sport"], "测试")[1]
    office = ApiToken.issue(people["office"], "测试")[1]

    def post(path, body, who=token):
        return client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {who}")

    refused = post("/api/progress", {"task": task.pk, "as_of": f"{YEAR}-11-20", "text": "竣工",
                                     "milestones_done": [{"milestone": m.pk, "done_on": f"{YEAR}-12-01"}]})
    assert refused.status_code == 400 and "晚于进展截至日期" in refused.json()["error"]["message"]
    created = post("/api/progress", {"task": task.pk, "as_of": f"{YEAR}-11-20", "text": "竣工",
                                     "milestones_done": [{"milestone": m.pk, "evidence": "验收报告"}]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["milestones_done"] == [{"milestone": m.pk, "done_on": f"{YEAR}-11-20", "evidence": "验收报告"}]
    reviewed = post(f"/api/progress/{body['id']}/review", {"approve": True, "version": body["version"]}, office)
    assert reviewed.status_code == 200
    assert last(task).done_on == date(YEAR, 11, 20)
    detail = client.get(f"/api/tasks/{task.pk}", HTTP_AUTHORIZATION=f"Bearer {office}").json()
    assert {x["id"]: x["done_on"] for x in detail["milestones"]}[m.pk] == f"{YEAR}-11-20"


def test_the_spreadsheet_template_has_a_row_per_open_step_to_say_it_is_done(client, task, people):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from duban.ledger.spreadsheet import STEP_ID, TEMPLATE_HEADERS

    col = {name: i + 1 for i, name in enumerate(TEMPLATE_HEADERS)}
    m = last(task)
    as_(client, people["sport"])

    def fill(*cells):
        wb = load_workbook(io.BytesIO(client.get(f"/unit/template.xlsx?plan={task.plan_id}").content))
        ws = wb.active
        r = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col["指标编号"]).value == f"{STEP_ID}{m.pk}")
        assert ws.cell(r, col["指标"]).value == f"时间节点:{YEAR}-10-31 全面完成并投入使用"
        for name, value in cells:
            ws.cell(r, col[name]).value = value
        buffer = io.BytesIO()
        wb.save(buffer)
        return client.post("/unit/template/", {"plan": task.plan_id, "file": SimpleUploadedFile(
            "填报表.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}), r

    bad, row = fill(("截至日期", f"{YEAR}-11-20"), ("本期完成值", "差不多"))
    assert bad.status_code == 400 and f"第{row}行" in text(bad) and "应为“已完成”或完成日期" in text(bad)
    assert not ProgressReport.objects.exists()

    good, _ = fill(("截至日期", f"{YEAR}-11-20"), ("本期完成值", f"{YEAR}-10-29"), ("进展情况", "竣工验收报告"))
    assert good.status_code == 302, text(good)[:2000]
    report = ProgressReport.objects.get()
    assert report.milestones_done == [{"id": m.pk, "done_on": f"{YEAR}-10-29", "evidence": "竣工验收报告"}]
    as_(client, people["office"]).post(f"/unit/reviews/{report.pk}/", {"action": "approve", "version": 1})
    assert last(task).done_on == date(YEAR, 10, 29) and Task.objects.get(pk=task.pk).status == "已完成"
    # a step done is no longer offered in the template
    wb = load_workbook(io.BytesIO(as_(client, people["sport"]).get(f"/unit/template.xlsx?plan={task.plan_id}").content))
    ids = [wb.active.cell(r, col["指标编号"]).value for r in range(1, wb.active.max_row + 1)]
    assert f"{STEP_ID}{m.pk}" not in ids and f"{STEP_ID}{task.milestones.order_by('due').first().pk}" in ids
