"""The main path in a real browser, through the pages only: the office imports the 2023 plan (seed 000),
市教育局 reports progress on task 3 with a photo (and is refused another unit's task), the office
approves it, the dashboard and the task page change, and the public portal shows the approved text.

Screenshots (full page) of the dashboard, task 3's page and its public page go to artifacts/screenshots/."""
import re
import struct
import zlib

import pytest

from duban.ledger.models import Evidence, Plan, ProgressReport, Task
from duban.people.roles import visible_tasks
from duban.people.services import add_user
from tests.browser.conftest import login, new_page
from tests.conftest import seed

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"
SCHOOLS = "开工新建改扩建中小学和幼儿园"
TASK3_TEXT = "开工新建改扩建中小学和幼儿园30所"
TASK1_TEXT = "实现城镇新增就业35万人以上"  # 市人力资源社会保障局's task
REPORT_TEXT = "截至年底已开工新建改扩建中小学和幼儿园12所,完成招标,浏览器测试填报"



def tiny_png(path):
    """A real 2×2 PNG (a few dozen bytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xd0\x30\x30" * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def color_counts(pg) -> dict[str, int]:
    return {el.get_attribute("data-color"): int(el.inner_text()) for el in pg.locator(".stat .n[data-color]").all()}


def task_badge(pg, task) -> str:
    """Task `task`'s status badge on the office's task list."""
    row = pg.locator("tr", has=pg.locator(f'a[href="/tasks/{task.pk}/"]'))
    return row.locator(".badge").first.inner_text()


def test_import_report_review_publish(page, browser, live_server, screenshots, seeds, tmp_path):
    # 1. The office imports the 2023 plan: upload → preview (16 tasks) → confirm → the summary.
    add_user("office", "office", password=PW)
    office = page
    login(office, "office", PW)
    office.click("header nav a:has-text('导入文档')")
    office.wait_for_url("**/imports/")
    office.set_input_files("input[name=document]", str(seed(seeds, "000")))
    office.click("button[type=submit]:has-text('上传并预览')")
    office.wait_for_url(re.compile(r"/imports/preview/\w+/$"))
    assert office.locator(".task-count").inner_text() == "16"
    assert office.locator("fieldset.preview-task").count() == 16  # a form per task
    assert "市人力资源社会保障局" in office.content()
    office.fill("input[name=t0-domain]", "就业创业")  # a correction made in the preview
    office.click("button[type=submit]:has-text('确认导入')")
    office.wait_for_url(re.compile(r"/imports/done/\d+/$"))
    assert office.locator("h1").inner_text() == "导入完成"
    assert "16项任务" in office.locator(".summary-line").inner_text()

    plan = Plan.objects.get(year=2023)
    task3, task1 = Task.objects.get(plan=plan, number="3"), Task.objects.get(plan=plan, number="1")
    assert (task1.domain, task1.domain_suggested, "domain" in task1.corrected) == ("就业创业", False, True)
    ind = task3.indicators.get(metric=SCHOOLS)

    # The office's view before the report: the dashboard's counts and task 3's badge.
    office.goto("/dashboard/")
    before_counts = color_counts(office)
    assert sum(before_counts.values()) == 16
    office.goto("/tasks/?year=2023")
    before_badge = task_badge(office, task3)
    office.goto(f"/tasks/{task3.pk}/")
    # The import left the statuses current (one way in: every write reassesses what it touched).
    task3.refresh_from_db()
    assert task3.status and office.locator("h1 .badge").inner_text() == task3.status != "未评估"
    office.click("header .who button:has-text('退出')")
    office.wait_for_url("**/public/")

    # 2. 市教育局 (the unit exists only now) reports on task 3 with a photo.
    edu_user, _ = add_user("edu", "reporter", unit="市教育局", password=PW)
    edu = new_page(browser, live_server)
    login(edu, "edu", PW)
    assert edu.url.endswith("/unit/")  # a unit's reporter starts in its workspace
    workspace = edu.content()
    mine = set(visible_tasks(edu_user, Task.objects.all()).values_list("pk", flat=True))
    linked = {int(pk) for pk in re.findall(r'href="/unit/tasks/(\d+)/report/"', workspace)}
    assert task3.pk in mine and linked == mine
    assert TASK3_TEXT in workspace and TASK1_TEXT not in workspace
    edu.click(f'a[href="/unit/tasks/{task3.pk}/report/"]')
    edu.wait_for_url(f"**/unit/tasks/{task3.pk}/report/")
    edu.fill(f"input[name=ind_{ind.pk}]", "12")
    edu.fill("textarea[name=text]", REPORT_TEXT)
    edu.set_input_files("input[name=files]", str(tiny_png(tmp_path / "开工现场.png")))
    edu.click("form.progress-form button[type=submit]")
    edu.wait_for_url("**/unit/")
    assert "进展已提交,等待督查室审核" in edu.locator(".messages").inner_text()
    report = ProgressReport.objects.get(task=task3)
    assert report.state == "submitted" and Evidence.objects.get(report=report).name == "开工现场.png"

    response = edu.goto(f"/tasks/{task1.pk}/")  # another unit's task
    assert response.status == 403 and "没有权限" in edu.locator("h1").inner_text()
    assert TASK1_TEXT not in edu.content()
    edu.context.close()

    # 3. The office logs in again and approves the report; it leaves the queue.
    login(office, "office", PW)
    office.click("header nav a:has-text('进展审核')")
    office.wait_for_url("**/unit/reviews/")
    item = office.locator(f"#report-{report.pk}")
    assert REPORT_TEXT in item.inner_text() and "开工现场.png" in item.inner_text()
    with office.expect_navigation():  # back to the same URL: wait for the new page, not the URL
        item.locator("button:has-text('审核通过')").click()
    assert "已审核通过" in office.locator(".messages").inner_text()
    assert office.locator(f"#report-{report.pk}").count() == 0 and "没有待审核的进展" in office.content()

    # 4. The dashboard, the task list and the task page change.
    office.goto("/dashboard/")
    after_counts = color_counts(office)
    # A past plan is judged at its year end (task 3's steps are overdue whatever one report says): the
    # pages show the same stored judgement and, on the task page, the approved 12所.
    assert sum(after_counts.values()) == 16
    task3.refresh_from_db()
    assert office.locator("svg").count() >= 1  # the trend chart
    office.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)
    office.goto("/tasks/?year=2023")
    after_badge = task_badge(office, task3)
    assert before_badge != "未评估" and after_badge == task3.status
    office.goto(f"/tasks/{task3.pk}/")
    assert after_badge in office.locator("h1 .badge").inner_text()
    assert REPORT_TEXT in office.content() and "12所" in office.content()
    office.screenshot(path=str(screenshots / "task.png"), full_page=True)

    # 5. The public portal (anonymous) shows the approved text.
    public = new_page(browser, live_server)
    response = public.goto(f"/public/tasks/{task3.pk}/")
    assert response.status == 200
    assert REPORT_TEXT in public.locator("article.report").first.inner_text()
    assert "开工现场.png" not in public.content()  # evidence is never public
    public.screenshot(path=str(screenshots / "public.png"), full_page=True)
    public.context.close()
