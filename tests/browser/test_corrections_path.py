"""The office corrects a task on its own page, in a real browser: task 3 of the 2023 plan (seed 000) gets
another co-unit through the searchable unit picker and a corrected school target; then the office
imports a new version of the document through the import pages (task 3's target now 32, task 16
dropped). The corrections survive, the disagreement is listed for the office to decide, and the task's
history shows each change with before and after. The correction panel is also used at 390 px.

Screenshots: corrections-task.png (desktop, after the re-import); corrections-phone-units.png and
corrections-phone.png (the unit picker and an indicator form at 390 px)."""
import re

import pytest

from duban.ledger.importer import import_file
from duban.ledger.models import Indicator, Plan, Responsibility, Task
from duban.people.services import add_user
from tests.browser.conftest import login
from tests.conftest import seed

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"
SCHOOLS = "开工新建改扩建中小学和幼儿园"



def units_of(t: Task) -> dict:
    rs = t.responsibilities.select_related("unit").order_by("role", "order")
    return {"lead": [r.unit.name for r in rs if r.role == Responsibility.Role.LEAD],
            "co": [r.unit.name for r in rs if r.role == Responsibility.Role.CO]}


def test_corrections_survive_a_new_version(page, browser, live_server, screenshots, seeds, tmp_path):
    original = seed(seeds, "000")
    import_file(original)
    add_user("office", "office", password=PW)
    plan = Plan.objects.get(year=2023)
    task3 = Task.objects.get(plan=plan, number="3")
    schools = task3.indicators.get(metric=SCHOOLS)
    co_before = units_of(task3)["co"]
    assert "市住房城乡建设局" in co_before and "市卫生健康委" not in co_before

    office = page
    login(office, "office", PW)
    office.goto(f"/tasks/{task3.pk}/")

    # 1. The units: the picker shows the co-units as chips; one removed, one found by typing and added.
    office.click("#fix-units summary")
    co_field = office.locator("#fix-units label", has_text="协办单位")
    chip = co_field.locator(".chips li", has_text="市住房城乡建设局")
    assert co_field.locator(".chips li").count() == len(co_before)
    chip.locator("button.chip-remove").click()
    co_field.locator("input.picker-search").fill("卫生")
    suggestion = co_field.locator(".suggestions li", has_text="市卫生健康委")
    suggestion.wait_for()
    suggestion.dispatch_event("mousedown")
    assert co_field.locator(".chips li", has_text="市卫生健康委").count() == 1
    with office.expect_navigation():
        office.click("#fix-units button[type=submit]")
    assert "已更正责任单位" in office.locator(".messages").inner_text()
    wanted_co = [n for n in co_before if n != "市住房城乡建设局"] + ["市卫生健康委"]
    assert units_of(task3) == {"lead": ["市教育局"], "co": wanted_co}
    assert "市卫生健康委" in office.locator("dl.facts").inner_text()

    # 2. An indicator: the school target 30 → 60.
    office.click("#fix-indicators summary")
    office.fill(f"input[name=ind{schools.pk}-target]", "60")
    with office.expect_navigation():
        office.click(f"#fix-ind-{schools.pk} button:has-text('保存指标')")
    assert "已更正指标" in office.locator(".messages").inner_text()
    schools.refresh_from_db()
    assert schools.target == 60
    assert "60所" in office.locator(f"#indicator-{schools.pk} h3").inner_text()

    # 3. A new version of the same document, through the import pages.
    text = original.read_text(encoding="utf-8")
    revised = "\n".join(line for line in text.splitlines() if not line.startswith("16\t"))
    revised = revised.replace(f"{SCHOOLS}30所", f"{SCHOOLS}32所")
    new_file = tmp_path / original.name
    new_file.write_text(revised, encoding="utf-8")
    office.goto("/imports/")
    office.set_input_files("input[name=document]", str(new_file))
    office.click("button[type=submit]:has-text('上传并预览')")
    office.wait_for_url(re.compile(r"/imports/preview/\w+/$"))
    office.click("button[type=submit]:has-text('确认导入')")
    office.wait_for_url(re.compile(r"/imports/done/\d+/$"))
    done = office.content()
    assert "更新计划" in done and "督查室更正为“60”" in done
    assert Task.everything.get(plan=plan, number="16").retired_on is not None

    # 4. The corrections survived; the disagreement waits for the office.
    task3.refresh_from_db()
    assert units_of(task3) == {"lead": ["市教育局"], "co": wanted_co}
    assert Indicator.objects.get(pk=schools.pk).target == 60
    office.click("a:has-text('去任务页决定')")
    office.wait_for_url(re.compile(rf"/tasks/{task3.pk}/#disputes$"))
    disputes = office.locator("#disputes")
    assert "新版本文件与更正不一致(1处)" in disputes.inner_text()
    assert "督查室更正为“60”,新版本文件为“32”" in disputes.inner_text()
    assert "市卫生健康委" in office.locator("dl.facts").inner_text()
    office.screenshot(path=str(screenshots / "corrections-task.png"), full_page=True)
    with office.expect_navigation():
        disputes.locator("button:has-text('保留更正')").click()
    assert "已保留督查室的更正" in office.locator(".messages").inner_text()
    assert office.locator("#disputes").count() == 0
    assert Indicator.objects.get(pk=schools.pk).target == 60

    # 5. The history shows each change, with before and after.
    history = office.locator("section[aria-labelledby=h-audit]").inner_text()
    assert "更正责任单位" in history and "更正指标" in history and "保留更正" in history
    assert "市住房城乡建设局" in history and "市卫生健康委" in history
    assert re.search(r"目标值:\s*30\s*→\s*60", history), history[:2000]

    # 6. The same panel on a phone (390 px): nothing wider than the screen, the picker usable.
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    small = phone.new_page()
    small.set_default_timeout(15000)
    blocked = []  # as the `page` fixture does: nothing refused by the Content-Security-Policy
    small.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    login(small, "office", PW)
    small.goto(f"/tasks/{task3.pk}/")
    small.click("#fix-units summary")
    small.click("#fix-indicators summary")
    width = small.evaluate("document.documentElement.scrollWidth")
    wide = small.evaluate("""Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > 391).slice(0, 12)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 390, f"the task page is {width} px wide at 390 px: {wide}"
    box = small.locator(f"#fix-ind-{schools.pk} input[name=ind{schools.pk}-target]").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    small.locator("#fix-units .picker-search").last.fill("教育")
    assert small.locator("#fix-units .suggestions li").count() >= 1
    small.locator("#fix-units").screenshot(path=str(screenshots / "corrections-phone-units.png"))
    small.locator(f"#fix-ind-{schools.pk}").screenshot(path=str(screenshots / "corrections-phone.png"))
    phone.close()
    assert not blocked, blocked
