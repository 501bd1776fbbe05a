"""The office's pages on the real seeds: the 2023 plan (000) and the 2024 progress report (002),
assessed as of 30 November 2024 — the dashboard, the task list, a task's page, comments and the
unit ranking, and who may open what."""
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from duban import assess as A
from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.assessment import assess_plan
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_file
from duban.ledger.models import Comment, Plan, Responsibility, StatusChange, Task, TrendPoint, Unit
from duban.ledger.models.plans import refresh_sort_keys
from duban.people.roles import visible_tasks
from duban.people.services import add_user
from duban.web import queries
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PASSWORD = "duban-test-pass-2024"
AS_OF = date(2024, 11, 30)
TASK_LINK = re.compile(r'href="/tasks/(\d+)/"')


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # argon2 takes 0.3 s a user


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, seeds):
    """The seeds imported and assessed once for the module, in a transaction rolled back at its end;
    each test runs in a savepoint inside it (pytest-django's `db`), so what a test writes goes away."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_file(seed(seeds, "000"), today=AS_OF)  # an import leaves the statuses current as of its date
        import_file(seed(seeds, "002"), today=AS_OF)
        plan = Plan.objects.get(year=2024)
        assess_plan(plan.pk, AS_OF)
        yield plan.pk
        transaction.set_rollback(True)


@pytest.fixture
def ledger(imported, db):
    return Plan.objects.get(pk=imported)


def login(client, role, unit=None, name=None):
    user, _ = add_user(name or f"{role}-user", role, unit=unit, password=PASSWORD)
    client.force_login(user)
    return user


def task_of(year, number):
    return Task.objects.get(plan__year=year, number=number)


def numbers_in(html):
    return {m for m in re.findall(r'data-color="(\w+)">(\d+)<', html)}


# ------------------------------------------------------------------------------ dashboard


def test_dashboard_counts_match_the_ledger_and_list_the_fire_stations_as_lagging(client, ledger):
    login(client, "office")
    response = client.get("/dashboard/", {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    expected = {c: 0 for c in queries.COLORS}
    for row in Task.objects.filter(plan__year=2024).values("status_color"):
        expected[row["status_color"] or "grey"] += 1
    shown = {color: int(n) for color, n in numbers_in(html)}
    assert shown == expected and sum(shown.values()) == 15
    by_status = dict(re.findall(r'data-status="([^"]+)">(\d+)<', html))
    for status in ("已完成", "严重滞后", "达序时进度", "无数据"):
        assert int(by_status[status]) == Task.objects.filter(plan__year=2024, status=status).count()
    lagging = html.split('id="h-lagging"')[1].split("</section>")[0]
    fourteen = task_of(2024, "14")
    assert f'/tasks/{fourteen.pk}/' in lagging and "消防站" in lagging
    assert fourteen.status_reason[:30] in lagging and "市消防救援支队" in lagging
    assert "<svg" in html  # the trend chart


def test_dashboard_defaults_to_the_latest_year_and_can_show_every_year(client, ledger):
    login(client, "leader")
    assert sum(int(n) for _, n in numbers_in(client.get("/dashboard/").content.decode())) == 15
    every = client.get("/dashboard/", {"year": "all"}).content.decode()
    assert sum(int(n) for _, n in numbers_in(every)) == Task.objects.count() == 31
    one_plan = client.get("/dashboard/", {"plan": ledger.pk}).content.decode()
    assert sum(int(n) for _, n in numbers_in(one_plan)) == 15


def test_dashboard_queries_do_not_grow_with_the_tasks(client, ledger):
    login(client, "office")
    client.get("/dashboard/")  # the session
    counted = {}
    for year in (2024, "all"):  # 15 tasks, then 31
        cache.clear()
        TrendPoint.objects.all().delete()  # the trend's stored points too: a first view ever
        with CaptureQueriesContext(connection) as fresh:
            assert client.get("/dashboard/", {"year": year}).status_code == 200
        with CaptureQueriesContext(connection) as cached:
            assert client.get("/dashboard/", {"year": year}).status_code == 200
        counted[year] = (len(fresh), len(cached))
    assert counted[2024][0] <= 17, counted  # 16, and one for the office's 待落实批示
    assert abs(counted[2024][0] - counted["all"][0]) <= 1  # "all" skips looking up the latest year
    assert counted[2024][1] <= 10 and counted["all"][1] <= 10  # today's counts are cached for a few seconds


def test_trend_counts_each_month_end_from_the_status_history(ledger):
    assess_plan(ledger.pk, date(2024, 6, 30))  # an earlier assessment, recorded after the later one
    scope = queries.Scope(None, 2024, date(2024, 12, 31), date(2025, 1, 1))
    rows = {r["date"]: r for r in queries.trend(scope)}
    assert len(rows) == 12
    assert sum(rows[date(2024, 5, 31)]["counts"].values()) == 0 and rows[date(2024, 5, 31)]["unassessed"] == 15
    for month_end in (date(2024, 6, 30), date(2024, 11, 30)):
        expected = {c: 0 for c in queries.COLORS}
        for task in Task.objects.filter(plan=ledger):
            last = (StatusChange.objects.filter(task=task, indicator=None, as_of__lte=month_end)
                    .order_by("as_of", "id").last())
            expected[last.color] += 1
        assert rows[month_end]["counts"] == expected
    assert rows[date(2024, 11, 30)]["counts"]["red"] >= 1  # the fire stations
    with CaptureQueriesContext(connection) as cached:
        queries.trend(scope)
    assert len(cached) == 2  # the stored points (TrendPoint) and the task count: the history is not read
    assert not [q for q in cached.captured_queries if "ledger_statuschange" in q["sql"]]


def test_dashboard_for_an_earlier_date_reads_the_history(client, ledger):
    assess_plan(ledger.pk, date(2024, 6, 30))
    login(client, "office")
    html = client.get("/dashboard/", {"year": 2024, "as_of": "2024-07-15"}).content.decode()
    expected = {c: 0 for c in queries.COLORS}
    for task in Task.objects.filter(plan=ledger):
        last = StatusChange.objects.filter(task=task, indicator=None, as_of__lte=date(2024, 7, 15)).order_by(
            "as_of", "id").last()
        expected[last.color] += 1
    assert {color: int(n) for color, n in numbers_in(html)} == expected
    assert "按状态变化记录回溯" in html


# ------------------------------------------------------------------------------ the task list


def test_task_list_finds_the_fire_stations_by_chinese_words(client, ledger):
    login(client, "reviewer")
    fourteen = task_of(2024, "14")
    html = client.get("/tasks/", {"q": "消防站"}).content.decode()
    assert f'/tasks/{fourteen.pk}/' in html and "共 1 项" in html
    both = client.get("/tasks/", {"q": "消防站 除颤器"}).content.decode()
    assert f'/tasks/{fourteen.pk}/' in both
    by_unit = client.get("/tasks/", {"q": "消防救援支队"}).content.decode()  # a unit's name
    assert f'/tasks/{fourteen.pk}/' in by_unit
    assert "没有符合条件的任务" in client.get("/tasks/", {"q": "消防站 市教育局"}).content.decode()


def test_task_list_filters_by_status_unit_year_and_plan(client, ledger):
    login(client, "office")
    done = Task.objects.filter(plan__year=2024, status="已完成")
    html = client.get("/tasks/", {"status": "done", "year": 2024}).content.decode()
    assert f"共 {done.count()} 项" in html
    assert html.count('class="badge green">已完成<') == done.count()
    lagging = client.get("/tasks/", {"status": "lagging", "year": 2024}).content.decode()
    assert f'/tasks/{task_of(2024, "14").pk}/' in lagging and "共 1 项" in lagging
    assert "共 16 项" in client.get("/tasks/", {"year": 2023}).content.decode()
    education = Unit.objects.get(name="市教育局")
    led = Task.objects.filter(responsibilities__unit=education, responsibilities__role="lead").count()
    html = client.get("/tasks/", {"unit": education.pk, "unit_role": "lead"}).content.decode()
    assert f"共 {led} 项" in html
    one_plan = client.get("/tasks/", {"plan": ledger.pk}).content.decode()
    assert f"共 {Task.objects.filter(plan=ledger).count()} 项" in one_plan


def test_task_list_pages_fifty_at_a_time_and_sorts_by_severity(client, ledger):
    extra = Plan.objects.create(city="青岛市", year=2024, genre="other", title="分页测试计划")
    Task.objects.bulk_create([Task(plan=extra, number=str(i), order=i, content=f"测试任务{i}", status="达序时进度",
                                   status_color="green") for i in range(1, 61)])
    login(client, "office")
    first = client.get("/tasks/").content.decode()
    total = Task.objects.count()
    assert f"共 {total} 项,第 1/2 页" in first
    assert len(TASK_LINK.findall(first)) == 50
    second = client.get("/tasks/", {"page": 2}).content.decode()
    assert len(TASK_LINK.findall(second)) == total - 50
    worst_first = client.get("/tasks/", {"sort": "status", "year": 2024}).content.decode()
    badges = re.findall(r'class="badge \w+">([^<]+)<', worst_first)
    severities = [queries.severity_of(b) for b in badges]
    assert badges[0] == "严重滞后" and severities == sorted(severities, reverse=True)


def test_task_list_query_count_does_not_grow_with_the_page(client, ledger):
    login(client, "office")
    client.get("/tasks/")
    with CaptureQueriesContext(connection) as small:
        client.get("/tasks/", {"year": 2024, "q": "消防站"})
    with CaptureQueriesContext(connection) as full:
        client.get("/tasks/", {"sort": "status"})
    # the worst-first list reads the statuses its page spans, one query each (at most one per status)
    assert len(small) <= 15 and len(small) <= len(full) <= len(small) + len(A.Status), [
        q["sql"] for q in full.captured_queries]


def search_fodder(n: int) -> Plan:
    """A 2024 plan of `n` tasks whose content holds 测试任务."""
    extra = Plan.objects.create(city="青岛市", year=2024, genre="other", title="检索上限测试计划")
    Task.objects.bulk_create([Task(plan=extra, number=str(i), order=i, content=f"测试任务{i}", status="达序时进度",
                                   status_color="green") for i in range(1, n + 1)])
    refresh_sort_keys([extra.pk])  # bulk_create skips save(), which keeps it
    return extra


def test_a_search_with_more_matches_than_the_cap_says_so_and_pages_on(client, ledger, monkeypatch):
    search_fodder(130)
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 100)  # counted up to 100, the 101st says "more"
    login(client, "office")
    first = client.get("/tasks/", {"q": "测试任务"}).content.decode()
    assert "共 100项以上,第 1 页" in first and "共 130 项" not in first
    assert len(TASK_LINK.findall(first)) == 50 and "第 1 页(共 2 页以上)" in first
    assert 'q=%E6%B5%8B%E8%AF%95%E4%BB%BB%E5%8A%A1&amp;page=2" rel="next">下一页' in first
    assert "末页" not in first  # the last page is not known
    second = client.get("/tasks/", {"q": "测试任务", "page": 2}).content.decode()
    assert "共 100项以上,第 2 页" in second and 'page=3" rel="next"' in second and 'page=1" rel="prev"' in second
    assert len(TASK_LINK.findall(second)) == 50 and not set(TASK_LINK.findall(first)) & set(TASK_LINK.findall(second))
    third = client.get("/tasks/", {"q": "测试任务", "page": 3}).content.decode()  # past the cap: counted to its end
    assert "共 130 项,第 3/3 页" in third and len(TASK_LINK.findall(third)) == 30 and 'rel="next"' not in third
    pages = [TASK_LINK.findall(p) for p in (first, second, third)]
    assert len({pk for page in pages for pk in page}) == 130
    # under the cap the count is exact
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 200)
    assert "共 130 项,第 1/3 页" in client.get("/tasks/", {"q": "测试任务"}).content.decode()
    # a list without a search is counted in full
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 10)
    assert f"共 {Task.objects.count()} 项" in client.get("/tasks/").content.decode()


def test_a_list_of_one_units_tasks_is_counted_to_the_cap(client, ledger, monkeypatch):
    """A province's unit may hold thousands of tasks: its lists (a reporter's, the unit filter, the
    API's ?unit=) count as a search does — exactly up to the cap, 以上 beyond, paging on."""
    extra = search_fodder(130)
    unit = Unit.objects.get(name="市教育局")
    Responsibility.objects.bulk_create([Responsibility(task=t, unit=unit, role=Responsibility.Role.LEAD)
                                        for t in extra.tasks.all()])
    mine = Task.objects.filter(responsibilities__unit=unit).count()
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 100)
    login(client, "reporter", unit="市教育局")
    page = client.get("/tasks/").content.decode()
    assert "共 100项以上,第 1 页" in page and len(TASK_LINK.findall(page)) == 50
    last = client.get("/tasks/", {"page": -(-mine // 50)}).content.decode()  # counted to that page's end
    assert f"共 {mine} 项" in last and 'rel="next"' not in last
    login(client, "office")
    assert "共 100项以上" in client.get("/tasks/", {"unit": unit.pk}).content.decode()
    assert f"共 {Task.objects.count()} 项" in client.get("/tasks/").content.decode()  # the maintained count
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 1000)
    assert f"共 {mine} 项" in client.get("/tasks/", {"unit": unit.pk}).content.decode()


def test_a_capped_search_counts_in_one_query_that_stops_at_the_cap(client, ledger, monkeypatch):
    search_fodder(130)
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 100)
    login(client, "office")
    client.get("/tasks/")
    with CaptureQueriesContext(connection) as searched:
        client.get("/tasks/", {"q": "测试任务"})
    counts = [q["sql"] for q in searched.captured_queries
              if "COUNT(" in q["sql"].upper() and 'FROM "ledger_task"' in q["sql"]]
    assert len(counts) == 1 and "LIMIT 101" in counts[0], counts


# ------------------------------------------------------------------------------ one task


def test_task_page_shows_checkpoints_chart_milestones_and_units(client, ledger):
    login(client, "leader")
    one = task_of(2023, "1")
    html = client.get(f"/tasks/{one.pk}/", {"as_of": "2023-07-15"}).content.decode()
    assert "17万人" in html and "5.5万人" in html  # the June and March checkpoints of 城镇新增就业
    assert html.count("<svg") == one.indicators.count()
    assert 'class="asof"' in html  # the as-of line falls inside the year
    assert "市人力资源社会保障局" in html and "市农业农村局" in html
    assert 'class="overdue"' in html  # the March and June steps, nothing reported by July
    assert "<title>" in html and "计划进度" in html


def test_task_page_shows_progress_and_findings(client, ledger):
    from duban.ledger.models import Finding

    fourteen = task_of(2024, "14")
    Finding.objects.create(source=fourteen.reports.first().source, task=fourteen, code="unit", message="单位写法待核实")
    login(client, "office")
    html = client.get(f"/tasks/{fourteen.pk}/").content.decode()
    assert "3处城镇消防站已开工建设" in html and "已审核" in html
    assert "单位写法待核实" in html
    assert "严重滞后" in html


def test_a_leader_posts_an_instruction_that_is_audited_and_shown(client, ledger):
    leader = login(client, "leader", name="市领导")
    fourteen = task_of(2024, "14")
    response = client.post(f"/tasks/{fourteen.pk}/comment/", {"kind": "instruction", "text": "请加快消防站建设进度,年底前全部开工。"})
    assert response.status_code == 302 and response["Location"].endswith(f"/tasks/{fourteen.pk}/#comments")
    comment = Comment.objects.get(task=fourteen)
    assert comment.kind == "instruction" and comment.author == leader and comment.author_name == "市领导"
    entry = AuditEntry.objects.get(action="comment.add")
    assert entry.task == fourteen and entry.actor == leader and "批示" in entry.summary
    html = client.get(f"/tasks/{fourteen.pk}/").content.decode()
    assert "请加快消防站建设进度" in html and "发表意见" in html and "市领导" in html


@pytest.mark.parametrize("text, message", [("   ", "不能为空"), ("字" * 2001, "不能超过2000字")])
def test_an_empty_or_too_long_comment_is_refused(client, ledger, text, message):
    login(client, "office")
    fourteen = task_of(2024, "14")
    response = client.post(f"/tasks/{fourteen.pk}/comment/", {"text": text}, follow=True)
    assert message in response.content.decode()
    assert not Comment.objects.exists() and not AuditEntry.objects.filter(action="comment.add").exists()


def test_only_leaders_and_the_office_may_comment(ledger):
    reviewer, _ = add_user("审核员", "reviewer", password=PASSWORD)
    with pytest.raises(DubanError) as refused:
        add_comment(reviewer, task_of(2024, "14"), "意见")
    assert refused.value.code == "forbidden" and not Comment.objects.exists()


# ------------------------------------------------------------------------------ who sees what


def test_a_reporter_sees_only_its_units_tasks(client, ledger):
    reporter = login(client, "reporter", unit="市教育局")
    own = set(visible_tasks(reporter, Task.objects.all()).values_list("pk", flat=True))
    html = client.get("/tasks/").content.decode()
    listed = {int(pk) for pk in TASK_LINK.findall(html)}
    assert listed == own and len(own) == 4
    by_severity = client.get("/tasks/", {"sort": "status", "q": "幼儿园"}).content.decode()  # distinct + CASE order
    assert {int(pk) for pk in TASK_LINK.findall(by_severity)} <= own
    assert client.get(f"/tasks/{task_of(2024, '2').pk}/").status_code == 200
    assert client.get(f"/tasks/{task_of(2024, '14').pk}/").status_code == 403
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/units/").status_code == 403
    assert client.post(f"/tasks/{task_of(2024, '2').pk}/comment/", {"text": "意见"}).status_code == 403
    assert not Comment.objects.exists()


def test_anonymous_users_are_sent_to_the_login_page(client, ledger):
    for url in ("/dashboard/", "/tasks/", f"/tasks/{task_of(2024, '14').pk}/", "/units/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


# ------------------------------------------------------------------------------ units


def test_unit_ranking_scores_each_lead_unit(client, ledger):
    login(client, "office")
    html = client.get("/units/", {"year": 2024}).content.decode()
    leads = Responsibility.objects.filter(task__plan__year=2024, role="lead").values("unit").distinct().count()
    assert html.count('href="/tasks/?unit=') == leads
    fire = Unit.objects.get(name="市消防救援支队")
    rows = queries.ranked_units(queries.unit_counts(queries.Scope(None, 2024, AS_OF, AS_OF)))
    assert rows[-1]["name"] in ("市消防救援支队", "市红十字会") and rows[-1]["counts"].colors["red"] == 1
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    page = client.get(f"/units/{fire.pk}/", {"year": 2024}).content.decode()
    assert "市消防救援支队" in page and f'/tasks/{task_of(2024, "14").pk}/' in page
    assert A.Status.SERIOUSLY_BEHIND.value in page



def severity_sorted(tasks) -> list[int]:
    return list(tasks.order_by(queries.severity_order().desc(), "sort_key", "id").values_list("pk", flat=True))


def test_a_severity_page_read_a_status_at_a_time_is_the_severity_sort(ledger):
    """The worst-first lists read each status along its index, from the counts of each status: the
    same rows, in the same order, page after page, as one sort of them all by severity."""
    from django.db.models import Count

    tasks = Task.objects.all()
    counts = queries.Counts()
    for status, n in tasks.order_by().values_list("status").annotate(n=Count("pk")):
        counts.add(status, "", n)
    assert len(counts.statuses) >= 3  # the assessed seeds: several statuses, the worst included
    expected = severity_sorted(tasks)
    for per_page in (3, 7, 50):
        pages = -(-len(expected) // per_page)
        got = [t.pk for n in range(1, pages + 1) for t in queries.severity_page(tasks, counts.statuses, per_page, n)]
        assert got == expected, per_page
    assert queries.severity_page(tasks, counts.statuses, 7, "x").number == 1
    assert queries.severity_page(tasks, counts.statuses, 7, 10**6).number == -(-len(expected) // 7)


def test_the_worst_first_lists_show_the_severity_order(client, ledger):
    login(client, "office")
    page = client.get("/tasks/", {"year": 2024, "sort": "status"}).content.decode()
    assert [int(pk) for pk in TASK_LINK.findall(page)][:5] == severity_sorted(Task.objects.filter(plan__year=2024))[:5]
    unit = Unit.objects.get(name="市住房城乡建设局")
    led = Task.objects.filter(plan__year=2024, responsibilities__unit=unit, responsibilities__role="lead")
    page = client.get(f"/units/{unit.pk}/", {"year": 2024}).content.decode()
    shown = [int(pk) for pk in TASK_LINK.findall(page)]
    assert [pk for pk in dict.fromkeys(shown) if pk in set(led.values_list("pk", flat=True))] == severity_sorted(led)


def test_a_reporter_picks_among_its_units_plans_only(client, ledger):
    extra = search_fodder(3)  # a plan none of 市教育局's tasks is in
    mine = set(Plan.objects.filter(tasks__responsibilities__unit__name="市教育局").values_list("pk", flat=True))
    option = re.compile(r'<option value="(\d+)"[^>]*>\d{4} · ')
    login(client, "reporter", unit="市教育局")
    assert set(map(int, option.findall(client.get("/tasks/").content.decode()))) == mine
    login(client, "office")
    assert extra.pk in set(map(int, option.findall(client.get("/tasks/", {"year": 2024}).content.decode())))
