"""The supervision main path in a real browser, through the pages only, on the 2024 progress (seed 002)
assessed as of 30 November — task 14's fire stations lag (3 of 10 started):

1. the office opens a case from task 14's page (发起督办) and assigns it to 市消防救援支队 with a deadline;
2. the unit's reporter sees it in its list with a 黄色催办 badge, signs for it, starts, feeds back with a file;
3. the office returns it with a reason, the unit sees the reason and feeds back again, the office accepts
   and closes it; the case's timeline lists every step;
4. the office makes, approves and publishes the bulletin as of 2024-11-30; an anonymous visitor finds it
   on the public bulletins list and on the portal and reads 36.61万人 and 104.6% in it;
5. an anonymous visitor reports a problem on task 14 (我要反映问题), gets a tracking code whose status page
   shows 已受理, and the office finds the new problem in its list.

Screenshots (full page): artifacts/screenshots/case.png (the closed case) and bulletin.png (the published
bulletin as the public sees it)."""
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from duban.bulletins.models import Bulletin
from duban.people.services import add_user
from duban.supervision.models import Case, CaseFile, Clue
from tests.browser.conftest import login, new_page

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-browser-pass-2024"
ASSESSED = date(2024, 11, 30)
PDF = b"%PDF-1.4 fire station construction permits (browser test)\n"
FEEDBACK_1 = "剩余7处消防站已完成招标,12月下旬开工"
RETURN_REASON = "未附开工计划表,请补充各站开工时间"
FEEDBACK_2 = "已补充开工计划表:7处消防站12月20日至28日陆续开工"
CLUE_TEXT = "李村附近的消防站工地已经停工一个多月,没有看到施工人员"
STEPS = ["open", "assign", "acknowledge", "start", "feedback", "return", "feedback", "accept", "close"]






def submit(pg, form_action: str, button: str, url=None):
    """Click `button` in the form posting to `form_action` and wait for the page it leads to."""
    with pg.expect_navigation():
        pg.locator(f'form[action="{form_action}"] button[type=submit]:has-text("{button}")').click()
    if url is not None:
        assert re.search(url, pg.url), pg.url


def nav(pg, label: str):
    """Follow the top bar's link `label` (exactly) and wait for its page."""
    with pg.expect_navigation():
        pg.locator("header.topbar nav a", has_text=re.compile(f"^{label}$")).click()


def state_of(pg) -> str:
    return pg.locator("header.case-head .case-state").inner_text()


def timeline(pg) -> list[str]:
    """The actions of the case page's history, in order, from each entry's event-<action> class."""
    out = []
    for cls in pg.locator("ol.case-history > li").evaluate_all("els => els.map(e => e.className)"):
        out += [c[len("event-"):] for c in cls.split() if c.startswith("event-")]
    return out


def test_case_bulletin_and_clue_through_the_pages(page, browser, live_server, screenshots, task14, tmp_path):
    add_user("office", "office", password=PW)
    add_user("leader", "leader", password=PW)
    add_user("fire", "reporter", unit="市消防救援支队", password=PW)
    assert task14.status in ("滞后", "严重滞后") and "消防站" in task14.content
    today = timezone.localdate()
    deadline = today + timedelta(days=2)  # within the 3 warning days: 黄色催办

    # ------------------------------------------------------------ 1. 立项 and 交办 by the office
    office = page
    login(office, "office", PW)
    nav(office, "任务")
    office.fill("input[name=q]", "消防站")
    office.select_option("select[name=year]", "2024")
    with office.expect_navigation():
        office.click("form.filters button[type=submit]")
    with office.expect_navigation():
        office.locator(f'table.tasks a[href="/tasks/{task14.pk}/"]').first.click()
    assert "消防站" in office.content() and task14.status in office.content()
    with office.expect_navigation():
        office.locator(f'a.button[href="/cases/new/?task={task14.pk}"]', has_text="发起督办").click()
    # The form starts from the lagging part: its title names it, and the lead offered is the unit
    # answerable for that part (市消防救援支队 for the stations, not the first lead, 市红十字会 for the AED).
    assert "城镇消防站" in office.locator("input[name=title]").input_value()
    own = office.locator("select[name=lead_unit] option", has_text="(本任务责任单位)").all_inner_texts()
    assert own == ["市红十字会(本任务责任单位)", "市消防救援支队(本任务责任单位)"]
    assert office.locator("select[name=lead_unit] option:checked").inner_text() == "市消防救援支队(本任务责任单位)"
    office.select_option("select[name=co_units]", label="市红十字会")
    office.fill("input[name=deadline]", f"{deadline:%Y-%m-%d}")
    office.fill("form.case-form textarea[name=note]", "请倒排工期,确保年底前全部开工")
    with office.expect_navigation():
        office.locator("form.case-form button[type=submit]", has_text="立项并交办").click()
    case = Case.objects.get()
    assert office.url.endswith(case.path()), office.url
    assert state_of(office) == "已交办"
    facts = office.locator("dl.facts").inner_text()
    assert "牵头单位\n市消防救援支队" in facts and "协办单位\n市红十字会" in facts, facts
    assert f"反馈期限\n{deadline.year}年{deadline.month}月{deadline.day}日" in facts

    # ------------------------------------------------------------ 2. the unit: list, 签收, 办理, 反馈 with a file
    fire = new_page(browser, live_server)
    login(fire, "fire", PW)
    nav(fire, "督办件")
    row = fire.locator("tr.case-row", has=fire.locator(f'a[href="{case.path()}"]'))
    assert row.count() == 1
    assert row.locator(".badge.yellow").inner_text() == "黄色催办"
    assert "还有2天" in row.locator(".badge.yellow").get_attribute("title")
    with fire.expect_navigation():
        row.locator(f'a[href="{case.path()}"]').first.click()
    assert fire.locator("select[name=lead_unit]").count() == 0  # no 交办 for a unit
    submit(fire, f"/cases/{case.number}/acknowledge/", "签收")
    assert state_of(fire) == "已签收"
    fire.fill(f'form[action="/cases/{case.number}/start/"] input[name=note]', "已部署7处消防站开工准备")
    submit(fire, f"/cases/{case.number}/start/", "开始办理")
    assert state_of(fire) == "办理中"
    evidence = tmp_path / "开工许可.pdf"
    evidence.write_bytes(PDF)
    fire.fill(f'form[action="/cases/{case.number}/feedback/"] textarea[name=text]', FEEDBACK_1)
    fire.set_input_files("input[name=files]", str(evidence))
    submit(fire, f"/cases/{case.number}/feedback/", "提交反馈")
    assert state_of(fire) == "已反馈待复核"
    assert FEEDBACK_1 in fire.locator("#h-feedback + .report-text").inner_text()
    the_file = CaseFile.objects.get(case=case)
    link = fire.locator(f'ol.case-history a.file[href="/cases/{case.number}/files/{the_file.pk}/"]')
    assert link.inner_text() == "开工许可.pdf"
    with fire.expect_download() as got:
        link.click()
    assert got.value.suggested_filename == "开工许可.pdf"
    assert got.value.path().read_bytes() == PDF

    # ------------------------------------------------------------ 3. 退回 with a reason, 反馈 again, 复核通过, 办结
    office.reload()
    assert FEEDBACK_1 in office.content()
    office.fill(f'form[action="/cases/{case.number}/return/"] textarea[name=reason]', RETURN_REASON)
    submit(office, f"/cases/{case.number}/return/", "退回")
    assert state_of(office) == "办理中"

    fire.reload()
    assert state_of(fire) == "办理中"
    assert RETURN_REASON in fire.locator(".returned-note").inner_text()
    fire.fill(f'form[action="/cases/{case.number}/feedback/"] textarea[name=text]', FEEDBACK_2)
    submit(fire, f"/cases/{case.number}/feedback/", "提交反馈")
    assert state_of(fire) == "已反馈待复核"

    office.reload()
    office.fill(f'form[action="/cases/{case.number}/accept/"] input[name=reason]', "材料齐全")
    submit(office, f"/cases/{case.number}/accept/", "复核通过")
    assert state_of(office) == "复核通过"
    submit(office, f"/cases/{case.number}/close/", "办结销号")
    assert state_of(office) == "已办结(销号)"
    assert office.locator("#actions").count() == 0 or "办结销号" not in office.locator("#actions").inner_text()
    assert timeline(office) == STEPS
    history = office.locator("ol.case-history").inner_text()
    for text in (RETURN_REASON, FEEDBACK_1, FEEDBACK_2, "开工许可.pdf", "已办结(销号)", "fire", "office"):
        assert text in history, text
    assert f"{today:%Y-%m-%d}" in office.locator("dl.facts").inner_text()  # 办结 today
    office.screenshot(path=str(screenshots / "case.png"), full_page=True)
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_on == today

    fire.reload()
    assert state_of(fire) == "已办结(销号)" and fire.locator("textarea[name=text]").count() == 0
    fire.context.close()

    # the leader reads the closed case among all cases
    leader = new_page(browser, live_server)
    login(leader, "leader", PW)
    leader.goto("/cases/")
    leader.select_option("select[name=scope]", "all")
    with leader.expect_navigation():
        leader.click("form.filters button[type=submit]")
    assert leader.locator(f'tr.case-row.state-closed a[href="{case.path()}"]').count() >= 1
    leader.context.close()

    # ------------------------------------------------------------ 4. 通报: made, approved, published, public
    nav(office, "通报")
    with office.expect_navigation():
        office.click("a.button:has-text('编制通报')")
    office.select_option("select[name=plan]", str(task14.plan_id))
    office.fill("input[name=as_of]", "2024-11-30")
    with office.expect_navigation():
        office.click("form.narrow-form button[type=submit]:has-text('编制')")
    bulletin = Bulletin.objects.get()
    assert office.url.endswith(f"/bulletins/{bulletin.pk}/")
    assert office.locator(".bulletin-state").inner_text() == "草稿"
    submit(office, f"/bulletins/{bulletin.pk}/approve/", "审定")
    assert office.locator(".bulletin-state").inner_text() == "已审定"
    office.fill(f'form[action="/bulletins/{bulletin.pk}/publish/"] input[name=issued_on]', "2024-12-05")
    submit(office, f"/bulletins/{bulletin.pk}/publish/", "印发并在公众门户发布")
    assert office.locator(".bulletin-state").inner_text() == "已发布" and "已印发,公众门户可见" in office.content()
    bulletin.refresh_from_db()
    assert bulletin.state == "published" and bulletin.as_of == ASSESSED
    assert (bulletin.series_label, bulletin.issued_on) == ("2024年第1期", date(2024, 12, 5))

    public = new_page(browser, live_server)
    public.goto("/public/")
    own_page = f"/bulletins/public/{bulletin.pk}/"
    portal_link = public.locator(f'#h-bulletins ~ ul a[href="{own_page}"]')
    assert portal_link.inner_text() == bulletin.title
    with public.expect_navigation():
        public.click("a:has-text('全部通报')")
    assert public.url.endswith("/bulletins/public/")
    entry = public.locator("ul.public-bulletins > li", has=public.locator(f'a[href="{own_page}"]'))
    assert entry.count() == 1 and "截至2024年11月30日" in entry.inner_text()
    assert "2024年12月5日印发" in entry.inner_text() and "督查通报2024年第1期" in entry.inner_text()
    with public.expect_navigation():
        entry.locator(f'a[href="{own_page}"]').click()
    text = public.locator("body").inner_text()
    assert "36.61万人" in text and "104.6%" in text and "消防站" in text
    assert "返回公众门户" in text and "抄送:" in text  # the portal's header and way back; the 版记
    public.screenshot(path=str(screenshots / "bulletin.png"), full_page=True)

    # ------------------------------------------------------------ 5. 群众线索 on task 14, tracked, seen by the office
    public.goto("/public/?year=2024")
    public.select_option("form.filters select[name=status]", label=task14.status)
    with public.expect_navigation():
        public.click("form.filters button[type=submit]")
    with public.expect_navigation():
        public.locator(f'a[href="/public/tasks/{task14.pk}/"]').first.click()
    assert "消防站" in public.locator("article.public-task").inner_text()
    with public.expect_navigation():
        public.click("a:has-text('我要反映问题')")
    public.fill("form.clue-form textarea[name=text]", CLUE_TEXT)
    public.fill("form.clue-form input[name=contact]", "13800000000")
    public.wait_for_timeout(3500)  # the form refuses what is filled in under 3 seconds
    with public.expect_navigation():
        public.click("form.clue-form button[type=submit]")
    assert re.search(r"/public/clues/[\w-]+/\?new=1$", public.url), public.url
    code = public.locator(".tracking-code").inner_text()
    clue = Clue.objects.get()
    assert code == clue.code
    assert public.locator("dl.facts .badge").inner_text() == "已受理"
    assert "13800000000" not in public.content()

    # the code, typed into the lookup page later, shows the same state
    public.goto("/public/clues/")
    public.fill("input[name=code]", code)
    with public.expect_navigation():
        public.click("button[type=submit]:has-text('查询')")
    assert code in public.locator("h2").inner_text() and public.locator("dl.facts .badge").inner_text() == "已受理"
    public.context.close()

    nav(office, "问题")
    problem_row = office.locator("tr", has=office.locator(f'a[href="{clue.problem.path()}"]'))
    assert problem_row.count() == 1
    row_text = problem_row.inner_text()
    assert CLUE_TEXT[:20] in row_text and "群众线索" in row_text and "已受理" in row_text
    assert "2024年 第14项" in row_text
