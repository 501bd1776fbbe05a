"""The office's working day in a real browser, on the 2024 progress (seed 002) assessed as of 30 November:

1. a leader writes a 批示 on task 14's page; the office finds it on the dashboard's 待落实批示 and turns it
   into an assigned case in one step; the leader's task page names the case;
2. the office filters the task list (滞后 in the 2024 plan) and downloads it as .xlsx, which openpyxl reads
   back with the rows the page lists, in the same order;
3. the office creates an account for 市消防救援支队 after the case was assigned to that unit, resets its
   password and the new member, logging in, sees the case in the unit's workspace; the office disables
   the account and the login is refused;
4. a reporter's progress is returned by the reviewer with a reason; the reporter's 通知 says so, reason
   included.

Screenshots: artifacts/screenshots/office-day-*.png."""
import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from duban.ledger.models import Task
from duban.ledger.workflow import submit_progress
from duban.people.services import add_user
from duban.supervision.models import Case
from tests.browser.conftest import login, new_page

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"
ASSESSED = date(2024, 11, 30)
INSTRUCTION = "消防站建设严重滞后,请督查室跟踪督办,月底前报告进展"
RETURN_REASON = "请补充各消防站的开工日期"


@pytest.fixture(autouse=True)
def accounts(transactional_db):
    for name in ("office", "leader", "reviewer"):
        add_user(name, name, password=PW)


def click(pg, selector: str, **kwargs):
    with pg.expect_navigation():
        pg.locator(selector, **kwargs).first.click()


def test_a_leaders_instruction_reaches_the_office_and_becomes_a_case(page, browser, live_server, screenshots, task14):
    leader = page
    login(leader, "leader", PW)
    leader.goto(f"/tasks/{task14.pk}/")
    leader.check('form.comment-form input[name=kind][value="instruction"]')
    leader.fill("form.comment-form textarea[name=text]", INSTRUCTION)
    click(leader, "form.comment-form button[type=submit]")
    assert INSTRUCTION in leader.locator("#comments").inner_text()

    office = new_page(browser, live_server)
    login(office, "office", PW)
    office.goto("/dashboard/")
    pending = office.locator("section.pending-instructions")
    assert pending.locator(".badge").inner_text() == "1" and INSTRUCTION[:20] in pending.inner_text()
    click(office, "section.pending-instructions a", has_text=INSTRUCTION[:20])
    item = office.locator("article.instruction-item")
    assert item.count() == 1 and INSTRUCTION in item.inner_text()
    # the lead offered is the task's own unit answerable for the stations
    assert item.locator("select[name=lead_unit] option:checked").inner_text() == "市消防救援支队"
    office.screenshot(path=str(screenshots / "office-day-instructions.png"), full_page=True)
    item.locator("input[name=title]").fill("落实领导批示:加快城镇消防站建设")
    deadline = timezone.localdate() + timedelta(days=10)
    item.locator("input[name=deadline]").fill(f"{deadline:%Y-%m-%d}")
    click(office, "article.instruction-item form[action$='/case/'] button[type=submit]")
    case = Case.objects.get()
    assert office.url.endswith(case.path()), office.url
    assert (case.title, case.state, case.lead_unit.name, case.deadline) == (
        "落实领导批示:加快城镇消防站建设", "assigned", "市消防救援支队", deadline)
    office.goto("/instructions/")
    assert "没有待落实的领导批示" in office.locator("body").inner_text()

    leader.goto(f"/tasks/{task14.pk}/")
    assert f"督办件{case.number}" in leader.locator("#comments").inner_text()
    leader.goto("/instructions/")
    assert f"督办件{case.number}" in leader.locator("ul.instructions").inner_text()


def test_the_filtered_task_list_downloads_as_xlsx_with_the_same_rows(page, screenshots, task14):
    login(page, "office", PW)
    page.goto("/tasks/")
    page.select_option("select[name=plan]", str(task14.plan_id))
    page.select_option("select[name=status]", "lagging")
    click(page, "form.filters button[type=submit]")
    numbers = [re.sub(r"\s+", "", t) for t in page.locator("table.tasks tbody tr td.num").all_inner_texts()]
    assert numbers and "14" in numbers and len(numbers) < task14.plan.tasks.count()
    with page.expect_download() as got:
        page.click("#export-xlsx")
    assert got.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    values = list(ws.iter_rows(values_only=True))
    head_at = next(i for i, r in enumerate(values) if r and r[0] == "序号")
    rows = [dict(zip(values[head_at], r)) for r in values[head_at + 1:]]
    assert [str(r["序号"]) for r in rows] == numbers
    statuses = {t.number: t.status for t in Task.objects.filter(plan=task14.plan)}
    assert all(r["状态"] == statuses[str(r["序号"])] for r in rows)


def test_a_member_added_after_the_case_sees_it_and_the_office_manages_the_account(
        page, browser, live_server, screenshots, task14):
    from duban.supervision.services import assign_case, open_case

    today = timezone.localdate()
    office_user = add_user("office2", "office", password=PW)[0]
    case = open_case(office_user, title="城镇消防站建设督办", source="lagging_task", task=task14, today=today)
    assign_case(office_user, case, lead_unit="市消防救援支队", deadline=today + timedelta(days=7), today=today)

    office = page
    login(office, "office", PW)
    office.goto("/users/new/")
    office.fill("input[name=username]", "zhaolei")
    office.fill("input[name=name]", "赵磊")
    office.fill("input[name=title]", "防火科科员")
    office.select_option("select[name=role]", "reporter")
    office.select_option("select[name=unit]", label="市消防救援支队")
    click(office, "form.narrow-form button[type=submit]")
    first = office.locator("#new-password").inner_text().strip()
    click(office, "a.button", has_text="查看账号")
    click(office, "form[action$='/reset/'] button[type=submit]")
    password = office.locator("#new-password").inner_text().strip()
    assert password and password != first

    member = new_page(browser, live_server, width=390)  # a unit reporter, on a phone
    login(member, "zhaolei", first)
    assert "/login/" in member.url  # the first password no longer opens the account
    login(member, "zhaolei", password)
    member.goto("/unit/")
    cases = member.locator("section.unit-cases")
    assert "本单位督办件(1)" in cases.inner_text() and f"督办件{case.number}" in cases.inner_text()
    assert member.evaluate("document.documentElement.scrollWidth") <= 390
    member.screenshot(path=str(screenshots / "office-day-new-member.png"), full_page=True)

    office.goto("/users/?q=赵磊")
    click(office, "a", has_text="zhaolei")
    click(office, "form[action$='/active/'] button[type=submit]", has_text="停用账号")
    assert "已停用" in office.locator("h1").inner_text()
    stranger = new_page(browser, live_server)
    login(stranger, "zhaolei", password)
    assert "/login/" in stranger.url


def test_a_returned_report_notifies_its_reporter_with_the_reason(page, browser, live_server, screenshots, task14):
    reporter = add_user("fire", "reporter", unit="市消防救援支队", password=PW)[0]
    metric = task14.indicators.filter(tracked=True).order_by("order").first().metric
    submit_progress(reporter, task14, ASSESSED, [(metric, "4")], "新开工1处消防站", today=ASSESSED)

    reviewer = page
    login(reviewer, "reviewer", PW)
    reviewer.goto("/unit/reviews/")
    form = reviewer.locator("form.return-form").first
    form.locator("textarea[name=reason]").fill(RETURN_REASON)
    with reviewer.expect_navigation():
        form.locator("button[type=submit]").click()

    fire = new_page(browser, live_server, width=390)
    login(fire, "fire", PW)
    fire.goto("/notifications/")
    told = fire.locator("li.notification.unread")
    assert told.count() >= 1 and RETURN_REASON in told.first.inner_text()
    fire.screenshot(path=str(screenshots / "office-day-returned.png"), full_page=True)
    fire.goto("/unit/")
    assert f"退回理由:{RETURN_REASON}" in fire.locator("body").inner_text()
