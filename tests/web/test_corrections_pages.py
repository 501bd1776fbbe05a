"""The office's corrections on the task page, on the 2023 plan (seed 000): each form posts to one audited
action (permission, validation, transaction, audit entry with before and after, reassessment, ledger
version), and the task's history shows what changed. Also: the Django admin writes nothing for office
staff (its change and add pages offer no save)."""
import re
from datetime import date

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from duban.core.models import AuditEntry
from duban.errors import Forbidden, InvalidInput
from duban.ledger import corrections as C
from duban.ledger.importer import import_file
from duban.ledger.models import Indicator, Plan, Responsibility, Task
from duban.ledger.services import record_progress
from duban.ledger.version import KEY as VERSION_KEY
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PASSWORD = "duban-test-pass-2024"
SCHOOLS = "开工新建改扩建中小学和幼儿园"
IMPORTED_ON = date(2023, 7, 1)


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, seeds):
    with django_db_blocker.unblock(), transaction.atomic():
        import_file(seed(seeds, "000"), today=IMPORTED_ON)
        yield Plan.objects.get(year=2023).pk
        transaction.set_rollback(True)


@pytest.fixture
def plan(imported, db):
    return Plan.objects.get(pk=imported)


@pytest.fixture
def office(plan):
    user = add_user("corr-office", "office", password=PASSWORD)[0]
    client = Client()
    client.force_login(user)
    return user, client


def task(number: str) -> Task:
    return Task.objects.get(plan__year=2023, number=number)


def units_of(t: Task) -> dict:
    rs = t.responsibilities.select_related("unit").order_by("role", "order")
    return {"lead": [r.unit.name for r in rs if r.role == Responsibility.Role.LEAD],
            "co": [r.unit.name for r in rs if r.role == Responsibility.Role.CO]}


def entries(t: Task, action: str):
    return list(AuditEntry.objects.filter(task=t, action=action).order_by("id"))


# ------------------------------------------------------------------------------------ the pages


def test_the_office_sees_the_correction_forms_with_a_unit_picker_and_others_do_not(office):
    _, client = office
    t3 = task("3")
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert 'id="corrections"' in html and "更正台账" in html
    assert 'data-unit-picker="1"' in html and "duban/corrections.js" in html
    assert not re.search(r"<select[^>]*multiple", html), "units are picked with a search, not a long multi-select"
    assert f'value="{"、".join(units_of(t3)["co"])}"' in html  # the current co-units, ready to edit
    # every indicator and milestone of the task has its own form
    for ind in t3.indicators.all():
        assert reverse("office:correct-indicator", args=[ind.pk]) in html
    for m in t3.milestones.all():
        assert reverse("office:correct-milestone", args=[m.pk]) in html
    leader = add_user("corr-leader", "leader", password=PASSWORD)[0]
    other = Client()
    other.force_login(leader)
    html = other.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert 'id="corrections"' not in html and "data-unit-picker" not in html


def test_the_picker_script_is_served_by_duban_and_small(office):
    from django.contrib.staticfiles import finders

    path = finders.find("duban/corrections.js")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert "http" not in text  # nothing fetched from a CDN
    assert "data-unit-picker" in text and len(text.splitlines()) < 120


def test_correcting_units_on_the_page_is_audited_reassessed_and_shown_in_history(
        office, django_capture_on_commit_callbacks):
    user, client = office
    t3 = task("3")
    before = units_of(t3)
    cache.set(VERSION_KEY, 7, None)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("office:correct-units", args=[t3.pk]),
                        {"units-leads": "市教育局", "units-cos": "市财政局、市卫生健康委"})
    assert r.status_code == 302 and r["Location"].startswith(f"/tasks/{t3.pk}/")
    t3.refresh_from_db()
    assert units_of(t3) == {"lead": ["市教育局"], "co": ["市财政局", "市卫生健康委"]}
    [entry] = entries(t3, "task.units")
    assert entry.actor == user and entry.before == before and entry.after == units_of(t3)
    assert cache.get(VERSION_KEY) > 7, "the ledger version is bumped"
    assert t3.assessed_on is not None and t3.corrected["units"]["document"] == before
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    history = html[html.index('id="h-audit"'):]
    assert "更正责任单位" in history
    assert ("<del>市财政局、市自然资源和规划局、市住房城乡建设局、各区(市)政府</del> → "
            "<ins>市财政局、市卫生健康委</ins>") in history


def test_an_unknown_unit_is_refused_with_the_form_again_and_nothing_written(office):
    _, client = office
    t3 = task("3")
    before = units_of(t3)
    r = client.post(reverse("office:correct-units", args=[t3.pk]), {"units-leads": "市宇宙开发局", "units-cos": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert "未知单位“市宇宙开发局”" in html and 'value="市宇宙开发局"' in html
    assert units_of(task("3")) == before and not entries(t3, "task.units")
    r = client.post(reverse("office:correct-units", args=[t3.pk]), {"units-leads": "", "units-cos": "市财政局"})
    assert r.status_code == 400 and units_of(task("3")) == before


def test_correcting_an_indicator_changes_the_assessment(office):
    user, client = office
    t3 = task("3")
    schools = t3.indicators.get(metric=SCHOOLS)
    record_progress(user, t3, date(2023, 6, 30), [(f"#{schools.pk}", "15")], "已开工15所", today=IMPORTED_ON)
    r = client.post(reverse("office:correct-indicator", args=[schools.pk]), {
        f"ind{schools.pk}-metric": SCHOOLS, f"ind{schools.pk}-target": "60", f"ind{schools.pk}-unit": "所",
        f"ind{schools.pk}-qualifier": ">=", f"ind{schools.pk}-tracked": "on"})
    assert r.status_code == 302
    schools.refresh_from_db()
    assert (schools.target, schools.qualifier, schools.tracked) == (60, ">=", True)
    [entry] = entries(t3, "indicator.correct")
    assert entry.before["target"] == 30 and entry.after["target"] == 60
    assert schools.corrected["target"] == {"value": 60.0, "document": 30.0}
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert "<del>30</del> → <ins>60</ins>" in html


def test_an_indicator_that_is_no_indicator_is_set_untracked(office):
    _, client = office
    t3 = task("3")
    # 中小学幼儿园开工项目总开工率 70%: the schedule's share of the 30 schools, not a target of its own
    ind = t3.indicators.get(metric="中小学幼儿园开工项目总开工率")
    data = {f"ind{ind.pk}-metric": ind.metric, f"ind{ind.pk}-target": f"{ind.target:g}", f"ind{ind.pk}-unit": "%",
            f"ind{ind.pk}-qualifier": ind.qualifier}  # 纳入评价 left unticked
    assert client.post(reverse("office:correct-indicator", args=[ind.pk]), data).status_code == 302
    ind.refresh_from_db()
    assert ind.tracked is False and ind.corrected["tracked"] == {"value": False, "document": True}
    assert "不纳入评价" in entries(t3, "indicator.correct")[0].summary
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert "纳入评价:<del>是</del> → <ins>否</ins>" in html


def test_bad_indicator_input_is_refused(office):
    _, client = office
    ind = task("3").indicators.get(metric=SCHOOLS)
    p = f"ind{ind.pk}-"
    r = client.post(reverse("office:correct-indicator", args=[ind.pk]),
                    {p + "metric": SCHOOLS, p + "target": "35万元", p + "unit": "所", p + "qualifier": ">="})
    assert r.status_code == 400 and "不一致" in r.content.decode()
    r = client.post(reverse("office:correct-indicator", args=[ind.pk]),
                    {p + "metric": SCHOOLS, p + "target": "很多", p + "unit": "所", p + "qualifier": ">="})
    assert r.status_code == 400 and "无法识别的数值" in r.content.decode()
    ind.refresh_from_db()
    assert ind.target == 30 and not ind.corrected


def test_adding_and_removing_an_indicator(office):
    user, client = office
    t3 = task("3")
    r = client.post(reverse("office:add-indicator", args=[t3.pk]),
                    {"new-metric": "视觉健康筛查", "new-target": "2", "new-unit": "次", "new-qualifier": ">="})
    assert r.status_code == 302
    added = t3.indicators.get(metric="视觉健康筛查")
    assert (added.target, added.unit) == (2, "次") and entries(t3, "indicator.add")
    assert client.post(reverse("office:remove-indicator", args=[added.pk])).status_code == 302
    assert not Indicator.objects.filter(pk=added.pk).exists()
    [entry] = entries(t3, "indicator.remove")
    assert entry.before["metric"] == "视觉健康筛查" and entry.after == {}
    # one with reported values is kept (it can be set untracked instead)
    schools = t3.indicators.get(metric=SCHOOLS)
    record_progress(user, t3, date(2023, 6, 30), [(f"#{schools.pk}", "12")], "已开工12所", today=IMPORTED_ON)
    r = client.post(reverse("office:remove-indicator", args=[schools.pk]), follow=True)
    assert "已有填报数值,不能删除" in r.content.decode()
    assert Indicator.objects.filter(pk=schools.pk).exists()


def test_correcting_a_milestone_its_due_text_and_checkpoints(office):
    _, client = office
    t3 = task("3")
    m = t3.milestones.order_by("due").first()
    schools = t3.indicators.get(metric=SCHOOLS)
    p = f"ms{m.pk}-"
    r = client.post(reverse("office:correct-milestone", args=[m.pk]), {
        p + "due": "2023-04-15", p + "text": "4月中旬前,中小学幼儿园开工6所", p + f"cp_{schools.pk}": "6"})
    assert r.status_code == 302, r.content.decode()[:500]
    m.refresh_from_db()
    assert m.due == date(2023, 4, 15) and m.text.startswith("4月中旬前")
    assert m.checkpoints.get(indicator=schools).value == 6
    [entry] = entries(t3, "milestone.correct")
    assert entry.before["due"] == "2023-03-31" and entry.after["due"] == "2023-04-15"
    assert entry.after["checkpoints"][f"{SCHOOLS}(所)"] == 6
    html = client.get(reverse("office:task", args=[t3.pk])).content.decode()
    assert f"{SCHOOLS}(所):6" in html[html.index('id="h-audit"'):]
    # a due date outside the plan year is refused
    r = client.post(reverse("office:correct-milestone", args=[m.pk]), {p + "due": "2021-01-01", p + "text": "x"})
    assert r.status_code == 400 and "不在计划年度" in r.content.decode()


def test_correcting_content_section_and_domain(office):
    _, client = office
    t3 = task("3")
    r = client.post(reverse("office:correct-task", args=[t3.pk]), {
        "task-content": t3.content + "(已核对)", "task-section": "民生实事", "task-domain": "教育"})
    assert r.status_code == 302
    t3.refresh_from_db()
    assert t3.content.endswith("(已核对)") and t3.section.title == "民生实事" and t3.domain == "教育"
    assert entries(t3, "task.correct")[0].after["section"] == "民生实事"


def test_only_the_office_may_correct(office, plan):
    t3 = task("3")
    schools = t3.indicators.get(metric=SCHOOLS)
    for role, unit in (("leader", None), ("reviewer", None), ("reporter", "市教育局")):
        user = add_user(f"corr-{role}", role, unit=unit, password=PASSWORD)[0]
        client = Client()
        client.force_login(user)
        assert client.post(reverse("office:correct-units", args=[t3.pk]),
                           {"units-leads": "市财政局", "units-cos": ""}).status_code == 403
        assert client.post(reverse("office:remove-indicator", args=[schools.pk])).status_code == 403
        with pytest.raises(Forbidden):
            C.correct_units(user, t3, leads=["市财政局"], cos=[], today=IMPORTED_ON)
    assert units_of(task("3"))["lead"] == ["市教育局"]
    assert not AuditEntry.objects.filter(task=t3, action__in=["task.units", "indicator.remove"]).exists()


def test_the_service_refuses_an_empty_content(office):
    user, _ = office
    with pytest.raises(InvalidInput):
        C.correct_task(user, task("3"), content="  ", section="", domain="", today=IMPORTED_ON)


# ------------------------------------------------------------------------------------ the admin


def _registered(app_labels):
    return [(model, model_admin) for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in app_labels]


@pytest.mark.parametrize("superuser", [False, True])
def test_the_admin_offers_no_save_for_ledger_and_supervision(office, superuser):
    """The office's staff accounts (and a superuser) see the ledger and the supervision in the admin,
    but the change pages have no save button and the add pages are refused: a hand edit would skip the
    audit entry and the reassessment."""
    user, client = office
    if superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    t3 = task("3")
    from duban.supervision.services import raise_problem
    reporter = add_user("corr-edu", "reporter", unit="市教育局", password=PASSWORD)[0]
    raise_problem(reporter, t3, "部分学校用地手续未办结", today=IMPORTED_ON)
    registered = _registered({"ledger", "supervision"})
    assert len(registered) >= 10
    opened = 0
    for model, _ in registered:
        meta = model._meta
        add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        assert add.status_code == 403, f"{meta.label} offers an add page"
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200, f"{meta.label}: {page.status_code}"
        html = page.content.decode()
        assert 'name="_save"' not in html and 'name="_continue"' not in html, f"{meta.label} offers a save"
        assert client.post(url, {}).status_code == 403, f"{meta.label} accepts a POST"
        opened += 1
    assert opened >= 8  # plans, tasks, units, indicators, findings, audit entries, problems, …
    t3.refresh_from_db()
    assert t3.content.startswith(SCHOOLS)


def test_the_admin_changes_no_account_for_the_office(office):
    """Accounts, roles and tokens change on duban's people pages (audited); in the admin an office account
    (staff, with the auth permissions of its group) sees them but cannot save, add, or make itself a
    superuser."""
    user, client = office
    registered = _registered({"people", "auth", "bulletins"})
    assert {m._meta.label for m, _ in registered} >= {"people.Profile", "people.ApiToken", "auth.User", "auth.Group"}
    for model, _ in registered:
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403, meta.label
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        html = client.get(url).content.decode()
        assert 'name="_save"' not in html, f"{meta.label} offers a save"
    url = reverse("admin:auth_user_change", args=[user.pk])
    assert client.post(url, {"username": user.username, "is_superuser": "on", "is_staff": "on",
                             "is_active": "on"}).status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    # a superuser keeps the auth pages
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    assert 'name="_save"' in client.get(url).content.decode()
