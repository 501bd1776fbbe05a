"""The office's month calendar in a real browser, on the 2023 plan (seed 000): June 2023 shows task 1's
6月底前 step (城镇新增就业17万人) on the 30th, in the grid and in the day list, linked to the task; the
unit filter narrows it to 市教育局's tasks; a unit's reporter sees its own month and its ICS link."""
from datetime import date

import pytest

from duban.ledger.importer import import_file
from duban.ledger.models import Milestone, Task
from duban.people.services import add_user
from tests.browser.conftest import login
from tests.conftest import seed

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"



def test_calendar_shows_a_seed_milestone(page, browser, live_server, seeds, screenshots):
    import_file(seed(seeds, "000"))
    task1, task3 = (Task.objects.get(plan__year=2023, number=n) for n in ("1", "3"))
    add_user("office", "office", password=PW)
    login(page, "office", PW)
    page.click("header nav a:has-text('日历')")
    page.wait_for_url("**/calendar/")
    page.goto("/calendar/?month=2023-06")
    assert "2023年6月" in page.locator("h1").inner_text()
    cell = page.locator("table.month-grid td", has=page.locator(".day-no", has_text="30")).last
    assert cell.locator(".ev-milestone", has_text="第1项").count() == 1
    due = Milestone.objects.filter(task__plan__year=2023, due=date(2023, 6, 30)).count()
    assert cell.locator(".ev-milestone").count() == 6 and cell.locator(".ev.more").inner_text() == f"另有{due - 6}项"
    day = page.locator("#d-2023-06-30")
    item = day.locator("li", has=page.locator(f'a[href="/tasks/{task1.pk}/"]'))
    assert "城镇新增就业17万人" in item.inner_text() and "市人力资源社会保障局" in item.inner_text()
    assert "6月进展情况报送截止" in page.locator("#d-2023-06-25").inner_text()
    page.screenshot(path=str(screenshots / "calendar-2023-06.png"), full_page=True)

    page.select_option("select[name=unit]", label="市教育局")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "市教育局" in page.locator("h1").inner_text()
    day = page.locator("#d-2023-06-30")
    assert day.locator(f'a[href="/tasks/{task3.pk}/"]').count() == 1
    assert day.locator(f'a[href="/tasks/{task1.pk}/"]').count() == 0
    assert page.locator("a:has-text('订阅市教育局日历')").get_attribute("href").startswith("/calendar/")

    page.click("a[rel=next]")
    page.wait_for_load_state("networkidle")
    assert "2023年7月" in page.locator("h1").inner_text() and "市教育局" in page.locator("h1").inner_text()



def test_a_reporter_sees_its_units_month(browser, live_server, seeds):
    import_file(seed(seeds, "000"))
    task3 = Task.objects.get(plan__year=2023, number="3")
    add_user("edu", "reporter", unit="市教育局", password=PW)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    try:
        login(pg, "edu", PW)
        pg.goto("/calendar/?month=2023-06&unit=999")  # another unit's id is ignored: its own unit's month
        assert "市教育局" in pg.locator("h1").inner_text()
        assert pg.locator("select[name=unit]").count() == 0
        assert not pg.locator("table.month-grid").is_visible()  # a phone: the day list, not the grid
        assert pg.locator(f'#d-2023-06-30 a[href="/tasks/{task3.pk}/"]').is_visible()
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
