"""A step gets done, in a real browser, on a ledger built in the test (a 2025 plan: a closed year, so a
step not done by 31 December is 逾期 whatever the machine's date): 市体育局 reports that its last step is
done, the office approves the report and the task leaves 逾期; on another task the office marks the late
step done on the task page. The task page's history shows each.

Screenshots: the review queue with the claimed step, the task page after the approval."""
import re
from datetime import date

import pytest

from duban.ledger.assessment import reassess
from duban.ledger.models import Task
from tests.browser.conftest import login
from tests.builders import PASSWORD, make_plan, make_task, make_user

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2025



def badge(pg) -> str:
    return pg.locator("header.task-head .badge").inner_text()


def test_the_office_approves_a_report_that_says_the_last_step_is_done(page, browser, live_server, screenshots):
    plan = make_plan(year=YEAR)
    gym = make_task(plan, "1", content="建设市民健身中心", lead="市体育局",
                    milestones=[(date(YEAR, 3, 31), "完成选址"), (date(YEAR, 10, 31), "全面完成并投入使用")])
    trail = make_task(plan, "2", content="新建健身步道", lead="市体育局",
                      milestones=[(date(YEAR, 9, 30), "建成开放")])
    reassess([gym.pk, trail.pk], date(YEAR + 1, 1, 15))
    make_user("sport", "reporter", unit="市体育局")
    make_user("office")
    last = gym.milestones.get(text="全面完成并投入使用")

    # 1. The unit reports: the last step done on 28 October, with the acceptance report as evidence.
    unit = page
    login(unit, "sport", PASSWORD)
    unit.goto(f"/unit/tasks/{gym.pk}/report/")
    unit.fill("input[name=as_of]", f"{YEAR}-11-20")
    unit.check(f"input[name=ms_{last.pk}]")
    unit.fill(f"input[name=ms_{last.pk}_on]", f"{YEAR}-10-28")
    unit.fill(f"input[name=ms_{last.pk}_evidence]", "竣工验收报告")
    unit.fill("textarea[name=text]", "健身中心10月28日竣工验收并开放")
    unit.click("button[type=submit]:has-text('提交')")
    unit.wait_for_url("**/unit/**")
    assert "已提交,等待督查室审核" in unit.content()

    # 2. The office sees the claim in the review queue and approves; the task leaves 逾期.
    office = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                 viewport={"width": 1280, "height": 900}).new_page()
    login(office, "office", PASSWORD)
    office.goto(f"/tasks/{gym.pk}/")
    assert badge(office) == "逾期"
    office.goto("/unit/reviews/")
    item = office.locator("article.review-item").first
    assert "全面完成并投入使用" in item.locator(".claimed-milestones").inner_text()
    assert f"{YEAR}-10-28完成,依据:竣工验收报告" in item.inner_text()
    office.screenshot(path=str(screenshots / "milestone-claim-review.png"), full_page=True)
    item.locator("button:has-text('审核通过')").click()
    office.wait_for_url("**/unit/reviews/")
    assert "没有待审核的进展" in office.content()

    office.goto(f"/tasks/{gym.pk}/")
    assert badge(office) == "已完成"
    assert Task.objects.get(pk=gym.pk).status == "已完成"
    step = office.locator(f"#milestone-{last.pk}")
    assert "已完成(2025-10-28)" in step.inner_text() and "竣工验收报告" in step.inner_text()
    history = office.locator("#h-audit").locator("xpath=..").inner_text()
    assert "审核通过" in history
    assert re.search(r"时间节点“全面完成并投入使用”标记为已完成\(2025-10-28\):竣工验收报告", history)
    office.screenshot(path=str(screenshots / "milestone-done-task.png"), full_page=True)

    # 3. On the other task the office marks the late step done itself, with a date and the evidence.
    step = trail.milestones.get()
    office.goto(f"/tasks/{trail.pk}/")
    assert badge(office) == "逾期"
    office.locator(f"#milestone-{step.pk} summary:has-text('标记完成')").click()
    form = office.locator(f"#milestone-{step.pk} form")
    form.locator("input[name=done_on]").fill(f"{YEAR}-09-26")
    form.locator("input[name=evidence]").fill("现场核查:步道已开放")
    form.locator("button:has-text('标记完成')").click()
    office.wait_for_url(re.compile(rf"/tasks/{trail.pk}/#milestone-{step.pk}$"))
    assert "已标记为完成(2025-09-26)" in office.locator(".messages").inner_text()
    assert badge(office) == "已完成"
    assert "“建成开放”标记为已完成(2025-09-26):现场核查:步道已开放" in office.locator("#h-audit").locator(
        "xpath=..").inner_text()
