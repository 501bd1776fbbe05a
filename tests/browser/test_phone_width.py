"""Every page at phone width (390 px), for every role: nothing scrolls sideways.

The ledger is the 2023 plan (seed 000) with one of everything a page can show: a report 市教育局 submitted
with a photo, a 督办件 it fed back on, a problem, a 批示, a change request, bulletins (draft, approved,
published), a citizen's clue, a notification; the office also uploads seed 001 to reach the import
preview. Then, for the office, a leader, a reviewer, 市教育局's reporter and an anonymous citizen, the
pages are crawled from the role's start pages by following the links on each page (one page per URL
shape: /tasks/3/ and /tasks/4/ are one shape; downloads and files are not pages) in a 390 px wide
chromium, and each must have document.documentElement.scrollWidth <= 390. A page that is wider is
named with the elements that stick out, so the stylesheet can be fixed where it fails.

Screenshots of a few pages at 390 px go to artifacts/screenshots/phone-*.png."""
from __future__ import annotations

import re
from collections import deque
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from duban.bulletins.services import approve_bulletin, create_bulletin, publish_bulletin
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, Task
from duban.ledger.workflow import submit_progress
from duban.people.services import add_user
from duban.supervision.services import (
    acknowledge_case,
    assign_case,
    open_case,
    raise_problem,
    request_change,
    start_case,
    submit_feedback,
    submit_public_clue,
)
from tests.browser.conftest import login
from tests.conftest import seed

pytestmark = pytest.mark.django_db(transaction=True)

PW = "duban-phone-pass-2024"
WIDTH = 390
SCHOOLS = "开工新建改扩建中小学和幼儿园"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4 phone width test\n"
PAGE_LIMIT = 90  # URL shapes per role; the crawl of a role finds some 30 to 60
NOT_PAGES = re.compile(r"(\.(xlsx|docx|pdf|ics|md|csv|json|txt|png|jpe?g|zip)$)|/files/|/evidence/|/download/|"
                       r"^/(admin|api|static|media|logout)/|/template\.xlsx|/view/$")
SHAPING = {"task", "unread"}  # the query parameters that make another page (the others filter the same one)
SHOTS = {"/tasks/", "/unit/", "/dashboard/", "/calendar/", "/public/", "/cases/N/"}

# The elements wider than the screen (the deepest ones): what the failure message names.
WIDE_ELEMENTS = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
      if (![...el.children].some(c => c.getBoundingClientRect().right > width + 1)) {
        out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' +
                 el.className.trim().split(/\\s+/).join('.') : '') + ' → ' + Math.round(r.right) + 'px: ' +
                 (el.textContent || '').trim().slice(0, 30));
      }
    }
  }
  return out.slice(0, 6);
}"""



def make_ledger(seeds) -> dict:
    today = timezone.localdate()
    import_file(seed(seeds, "000"))
    plan = Plan.objects.get(year=2023)
    task3 = Task.objects.get(plan=plan, number="3")
    users = {
        "office": add_user("p-office", "office", password=PW)[0],
        "leader": add_user("p-leader", "leader", password=PW)[0],
        "reviewer": add_user("p-reviewer", "reviewer", password=PW)[0],
        "reporter": add_user("p-edu", "reporter", unit="市教育局", password=PW)[0],
    }
    office, edu = users["office"], users["reporter"]
    submit_progress(edu, task3, date(2023, 6, 30), [(SCHOOLS, "12")], "已开工新建改扩建中小学和幼儿园12所,完成招标",
                    [SimpleUploadedFile("开工现场.png", PNG, content_type="image/png")], today=today)
    case = open_case(office, title="落实领导批示:加快中小学幼儿园项目开工,确保秋季学期按期投用", source="leader_instruction",
                     task=task3, instruction="请市教育局倒排工期", instructed_by=users["leader"], today=today)
    assign_case(office, case, lead_unit="市教育局", co_units=["市财政局"], deadline=today + timedelta(days=10),
                today=today)
    acknowledge_case(edu, case, today=today)
    start_case(edu, case, today=today)
    submit_feedback(edu, case, "已部署加快建设", [SimpleUploadedFile("部署通知.pdf", PDF)], today=today)
    open_case(office, title="城镇新增就业进度督办", source="lagging_task", task=Task.objects.get(plan=plan, number="1"),
              today=today)
    raise_problem(edu, task3, "部分学校用地手续未办结,影响开工", today=today)
    add_comment(users["leader"], task3, "请督查室跟踪学校建设进度,每月报告", "instruction")
    request_change(edu, indicator=task3.indicators.get(metric=SCHOOLS), new_value="25所", reason="5所学校选址调整",
                   today=today)
    year_end = date(2023, 12, 31)
    create_bulletin(office, plan, year_end)
    approve_bulletin(office, create_bulletin(office, plan, year_end))
    publish_bulletin(office, approve_bulletin(office, create_bulletin(office, plan, year_end)))
    clue = submit_public_clue(task3, "学校工地已经停工一个多月,没有看到施工人员", "", ip="203.0.113.9",
                              now=timezone.now() - timedelta(minutes=5))
    return {"users": users, "task3": task3, "case": case, "clue": clue}


def shape(url: str) -> str:
    """A URL's shape: its path with numbers and case numbers as N, and the names of the query parameters
    that change what the page is (a filter or a page number does not)."""
    parts = urlsplit(url)
    path = re.sub(r"/[A-Z]*\d[\w-]*", "/N", parts.path)
    names = sorted({k for k, _ in parse_qsl(parts.query) if k in SHAPING})
    return path + ("?" + "&".join(names) if names else "")


def links(pg) -> list[str]:
    hrefs = pg.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        href = (href or "").split("#")[0]
        if href.startswith("/") and not href.startswith("//") and not NOT_PAGES.search(urlsplit(href).path):
            out.append(href)
    return out


def crawl(pg, starts: list[str], screenshots, role: str) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from `starts`, one per shape; (the URLs visited, the failures)."""
    seen, visited, failures = set(), [], []
    queue = deque(starts)
    while queue and len(visited) < PAGE_LIMIT:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = pg.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        width = pg.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            failures.append(f"{role} {url}: {width}px — " + "; ".join(pg.evaluate(WIDE_ELEMENTS, WIDTH)))
        if shape(url) in SHOTS:
            name = re.sub(r"\W+", "-", shape(url)).strip("-") or "home"
            pg.screenshot(path=str(screenshots / f"phone-{role}-{name}.png"), full_page=True)
        queue.extend(h for h in links(pg) if shape(h) not in seen)
    return visited, failures


def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": WIDTH, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    return context, pg


def test_every_page_of_every_role_fits_a_phone(browser, live_server, seeds, screenshots):
    d = make_ledger(seeds)
    task3, case, clue = d["task3"], d["case"], d["clue"]
    common = ["/", "/calendar/?month=2023-06", "/calendar/?day=2023-06-30", "/notifications/", "/cases/", "/problems/", "/changes/", "/public/",
              f"/tasks/{task3.pk}/", f"/cases/{case.number}/", "/no-such-page/"]
    starts = {
        "office": ["/dashboard/", "/tasks/", "/units/", "/imports/", "/users/", "/users/new/", "/instructions/",
                   "/unit/reviews/", "/bulletins/", "/bulletins/new/", "/cases/new/", f"/cases/new/?task={task3.pk}",
                   *common],
        "leader": ["/dashboard/", "/tasks/", "/units/", "/instructions/", "/bulletins/", *common],
        "reviewer": ["/dashboard/", "/tasks/", "/unit/reviews/", *common],
        "reporter": ["/unit/", f"/unit/tasks/{task3.pk}/report/", "/unit/template/", "/tasks/", "/problems/new/",
                     "/changes/new/", *common],
        "public": ["/public/", "/public/plans/", f"/public/tasks/{task3.pk}/", "/bulletins/public/", "/public/clues/",
                   f"/public/clues/new/?task={task3.pk}", f"/public/clues/{clue.code}/", "/login/", "/no-such-page/"],
    }
    failures, visited = [], {}
    for role, start in starts.items():
        context, pg = phone(browser, live_server)
        try:
            if role != "public":
                login(pg, d["users"][role].username, PW)
            if role == "office":  # the import preview is reached by uploading a document
                pg.goto("/imports/")
                pg.set_input_files("input[name=document]", str(seed(seeds, "001")))
                pg.click("button[type=submit]:has-text('上传并预览')")
                pg.wait_for_url(re.compile(r"/imports/preview/\w+/$"))
                start = [urlsplit(pg.url).path, *start]
            visited[role], failed = crawl(pg, start, screenshots, role)
            failures += failed
        finally:
            context.close()
    counts = {role: len(urls) for role, urls in visited.items()}
    assert counts["office"] >= 30 and counts["reporter"] >= 12 and counts["public"] >= 6, counts
    assert any(u.startswith("/imports/preview/") for u in visited["office"])
    assert any("/public/clues/" in u for u in visited["public"])
    assert not failures, "\n".join(failures)
