"""Who may open what: every URL pattern of the site and every operation of the API, for each role.

The patterns are read from the resolver (the admin as one entry) and the API's operations from its
OpenAPI document, so a page or an endpoint added without a row in the tables below fails
`test_every_url_and_operation_has_an_expectation`. Each row gives, for the roles

    anonymous · 督查室 office · 领导 leader · 审核员 reviewer · 市教育局's reporter (the task's own
    unit, "own") · 市人力资源社会保障局's reporter (another unit, "other")

one letter each:

    O  allowed: 2xx, or a redirect that is not to a login page (after a POST: into the page's area)
    L  login: a 302 to /login/ (/admin/login/ for the admin) for pages, a 401 for the API
    F  forbidden: 403 — and a POST writes nothing (audit entries and the rows counted below)
    H  hidden: 404 (what the role may not even know exists)
    M  405: a POST-only view opened with GET
    -  not applicable

The path parameters are real: task 3 of the 2023 plan (seed 000, 市教育局 leads), its indicator,
a report 市教育局 submitted with a photo, a 督办件 assigned to 市教育局 with a feedback file, a
problem, a change request, three bulletins (draft, approved, published), a public clue, an upload
waiting for confirmation. Everything is made once for the module and rolled back at its end; every
POST runs in a savepoint rolled back after it, so the probes do not see each other's writes.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from duban.bulletins.models import Bulletin
from duban.bulletins.services import approve_bulletin, create_bulletin, publish_bulletin
from duban.core.models import AuditEntry
from duban.extract.readers import sniff
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_file
from duban.ledger.models import Comment, Evidence, Plan, ProgressReport, SourceDocument, Task, Unit
from duban.ledger.spreadsheet import TEMPLATE_HEADERS, progress_template_xlsx
from duban.ledger.workflow import preview_import, submit_progress
from duban.people.models import ApiToken
from duban.people.services import add_user
from duban.supervision.models import Case, ChangeRequest, Clue, Notification, Problem
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
from duban.supervision.services.clues import clue_form_token
from duban.web.api.urls import api
from duban.web.imports import stash
from duban.web.supervision.inbox import calendar_token
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PW = "duban-matrix-pass-2024"
ROLES = ("anon", "office", "leader", "reviewer", "own", "other")
SCHOOLS = "开工新建改扩建中小学和幼儿园"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4 matrix test\n"
TODAY = timezone.localdate()


# ---------------------------------------------------------------------------------------------- the data


@pytest.fixture(scope="module")
def d(django_db_setup, django_db_blocker, seeds, tmp_path_factory):
    """The seed-000 ledger with one of everything a URL can name; rolled back at the module's end."""
    media = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            django_db_blocker.unblock(), transaction.atomic():
        import_file(seed(seeds, "000"))
        plan = Plan.objects.get(year=2023)
        task3 = Task.objects.get(plan=plan, number="3")
        edu_unit = Unit.objects.get(name="市教育局")
        users = {
            "office": add_user("m-office", "office", password=PW)[0],
            "leader": add_user("m-leader", "leader", password=PW)[0],
            "reviewer": add_user("m-reviewer", "reviewer", password=PW)[0],
            "own": add_user("m-edu", "reporter", unit="市教育局", password=PW)[0],
            "other": add_user("m-hr", "reporter", unit="市人力资源社会保障局", password=PW)[0],
        }
        office, edu = users["office"], users["own"]
        indicators = list(task3.indicators.order_by("order", "pk"))
        schools = task3.indicators.get(metric=SCHOOLS)
        report = submit_progress(edu, task3, date(2023, 6, 30), [(SCHOOLS, "12")], "已开工12所",
                                 [SimpleUploadedFile("开工现场.png", PNG, content_type="image/png")], today=TODAY)

        from duban.ledger.models import PendingValue

        pending = PendingValue.objects.create(report=report, task=task3, metric="", unit="所", value=3,
                                              sentence="另有3所完成选址", reason="no_match")
        case = open_case(office, title="落实领导批示:加快学校建设", source="leader_instruction", task=task3,
                         instruction="请市教育局加快学校建设进度", instructed_by=users["leader"], today=TODAY)
        assign_case(office, case, lead_unit="市教育局", deadline=TODAY + timedelta(days=10), today=TODAY)
        acknowledge_case(edu, case, today=TODAY)
        start_case(edu, case, today=TODAY)
        submit_feedback(edu, case, "已部署加快建设", [SimpleUploadedFile("部署通知.pdf", PDF)], today=TODAY)
        problem = raise_problem(edu, task3, "部分学校用地手续未办结", today=TODAY)
        instruction = add_comment(users["leader"], task3, "请督查室跟踪学校建设进度", "instruction")
        change = request_change(edu, indicator=schools, new_value="25所", reason="5所学校选址调整", today=TODAY)

        year_end = date(2023, 12, 31)
        draft = create_bulletin(office, plan, year_end)
        approved = approve_bulletin(office, create_bulletin(office, plan, year_end))
        published = publish_bulletin(office, approve_bulletin(office, create_bulletin(office, plan, year_end)))
        clue = submit_public_clue(task3, "学校工地已经停工一个多月", "", ip="203.0.113.9",
                                  now=timezone.now() - timedelta(minutes=5))

        upload_name = seed(seeds, "001").name
        upload_bytes = seed(seeds, "001").read_bytes()
        upload_meta = {"name": upload_name, "format": sniff(upload_bytes, upload_name),
                       "extraction": preview_import(office, upload_bytes, upload_name)}

        yield {
            "media": media, "users": users, "plan": plan, "task3": task3,
            "task1": Task.objects.get(plan=plan, number="1"),
            "edu_unit": edu_unit, "schools": schools, "other_indicator": next(i for i in indicators if i != schools),
            "report": report, "evidence": Evidence.objects.get(report=report), "pending": pending,
            "case": case, "case_file": case.files.get(), "instruction": instruction, "problem": problem, "change": change,
            "notification": Notification.objects.filter(user=edu).order_by("id").first(),
            "draft": draft, "approved": approved, "published": published, "clue": clue,
            "source": SourceDocument.objects.get(), "token": ApiToken.issue(office, "矩阵")[0],
            "upload": (upload_bytes, upload_meta, stash.put(upload_bytes, upload_meta)),
            "template": filled_template(edu_unit, plan),
        }
        transaction.set_rollback(True)


def filled_template(unit, plan) -> bytes:
    from openpyxl import load_workbook

    buffer = io.BytesIO()
    progress_template_xlsx(unit, plan, buffer, as_of=date(2023, 12, 31))
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb.active
    col = {name: TEMPLATE_HEADERS.index(name) + 1 for name in TEMPLATE_HEADERS}
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col["指标"]).value == SCHOOLS)
    ws.cell(row, col["截至日期"]).value = "2023-09-30"
    ws.cell(row, col["本期完成值"]).value = 20
    ws.cell(row, col["进展情况"]).value = "已开工20所"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def data(d, db, settings):
    settings.MEDIA_ROOT = d["media"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return d


# ---------------------------------------------------------------------------------------------- the tables


@dataclass
class Probe:
    method: str
    expect: str  # one letter per role, in ROLES' order
    kwargs: Callable[[dict], dict] = lambda d: {}
    query: Callable[[dict], str] = lambda d: ""
    data: Callable[[dict], dict] = lambda d: {}
    to: str | None = None  # where an allowed POST redirects (default: the page's own area)
    setup: Callable[[dict], None] | None = None
    label: str = ""
    expected: dict = field(init=False)

    def __post_init__(self):
        letters = self.expect.split()
        assert len(letters) == len(ROLES), self.expect
        self.expected = dict(zip(ROLES, letters))


def GET(expect, **kw):
    return Probe("GET", expect, **kw)


def POST(expect, **kw):
    return Probe("POST", expect, **kw)


def task3(d):
    return {"pk": d["task3"].pk}


def case(d):
    return {"number": d["case"].number}


def bulletin(which):
    return lambda d: {"pk": d[which].pk}


def recheck_upload(d):
    """The office's confirmation drops the upload (a file, not rolled back): put it back."""
    data, meta, _ = d["upload"]
    stash.put(data, meta)


#                         anon office leader reviewer own other
PAGES: dict[str, list[Probe]] = {
    "home": [GET("O O O O O O")],
    "healthz": [GET("O O O O O O")],
    "favicon": [GET("O O O O O O")],
    "login": [GET("O O O O O O")],
    "logout": [GET("M M M M M M"), POST("O O O O O O", to="/public/")],
    "admin": [GET("L O L L L L")],  # the office's accounts are staff; the admin's own login page

    "office:dashboard": [GET("L O O O F F")],
    "office:tasks": [GET("L O O O O O")],  # a reporter sees its unit's tasks only (test_office_pages)
    "office:tasks_export": [GET("L O O O O O")],  # the same list as .xlsx (test_ledger_out)
    "office:task": [GET("L O O O O F", kwargs=task3)],
    "office:comment": [GET("L M M M M M", kwargs=task3),
                       POST("L O O F F F", kwargs=task3, data=lambda d: {"text": "请加快进度"}, to="/tasks/")],
    "office:correct-task": [GET("L M M M M M", kwargs=task3), POST("L O F F F F", kwargs=task3, to="/tasks/", data=lambda d: {
        "task-content": d["task3"].content + "(核对)", "task-section": "", "task-domain": "教育"})],
    "office:correct-units": [GET("L M M M M M", kwargs=task3), POST("L O F F F F", kwargs=task3, to="/tasks/", data=lambda d: {
        "units-leads": "市教育局", "units-cos": "市财政局"})],
    "office:add-indicator": [GET("L M M M M M", kwargs=task3), POST("L O F F F F", kwargs=task3, to="/tasks/", data=lambda d: {
        "new-metric": "心理健康筛查", "new-target": "1", "new-unit": "次", "new-qualifier": ">="})],
    "office:dispute": [GET("L M M M M M", kwargs=task3), POST("L O F F F F", kwargs=task3, to="/tasks/")],
    "office:correct-indicator": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["other_indicator"].pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["other_indicator"].pk}, to="/tasks/", data=lambda d: {
            f"ind{d['other_indicator'].pk}-{k}": v for k, v in (
                ("metric", d["other_indicator"].metric), ("target", "99"), ("unit", d["other_indicator"].unit),
                ("qualifier", ">="), ("tracked", "on"))})],
    "office:remove-indicator": [GET("L M M M M M", kwargs=lambda d: {"pk": d["other_indicator"].pk}),
                                POST("L O F F F F", kwargs=lambda d: {"pk": d["other_indicator"].pk}, to="/tasks/")],
    "office:correct-milestone": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}, to="/tasks/",
             data=lambda d: {f"ms{d['task3'].milestones.order_by('pk').first().pk}-due": "2023-04-10",
                             f"ms{d['task3'].milestones.order_by('pk').first().pk}-text": "4月10日前,完成立项"})],
    "office:units": [GET("L O O O F F")],
    "office:unit": [GET("L O O O F F", kwargs=lambda d: {"pk": d["edu_unit"].pk})],
    "office:milestone-done": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}, to="/tasks/",
             data=lambda d: {"done_on": "2023-06-30", "evidence": "立项批复"})],
    "office:milestone-reopen": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["task3"].milestones.order_by("pk").first().pk}, to="/tasks/",
             data=lambda d: {"reason": "核查未完成"})],

    "unit:workspace": [GET("L O O O O F", query=lambda d: f"unit={d['edu_unit'].pk}")],
    "unit:report": [GET("L O F F O F", kwargs=task3),
                    POST("L O F F O F", kwargs=task3, to="/unit/", data=lambda d: {
                        "as_of": "2023-09-30", f"ind_{d['schools'].pk}": "20", "text": "已开工20所",
                        "files": [SimpleUploadedFile("现场.png", PNG, content_type="image/png")]})],
    "unit:revise": [GET("L O F F O F", kwargs=lambda d: {"pk": d["report"].pk}),
                    POST("L O F F O F", kwargs=lambda d: {"pk": d["report"].pk}, to="/unit/", data=lambda d: {
                        "as_of": "2023-06-30", f"ind_{d['schools'].pk}": "13", "text": "已开工13所", "version": "1"})],
    "unit:reviews": [GET("L O F O F F")],
    "unit:review": [GET("L M M M M M", kwargs=lambda d: {"pk": d["report"].pk}),
                    POST("L O F O F F", kwargs=lambda d: {"pk": d["report"].pk}, to="/unit/reviews/",
                         data=lambda d: {"action": "approve", "version": "1"})],
    "unit:decide_value": [GET("L M M M M M", kwargs=lambda d: {"pk": d["pending"].pk}),
                          POST("L O F O F F", kwargs=lambda d: {"pk": d["pending"].pk}, to="/unit/reviews/",
                               data=lambda d: {"action": "assign", "indicator": d["schools"].pk})],
    "unit:evidence": [GET("L O O O O F", kwargs=lambda d: {"pk": d["evidence"].pk})],
    "unit:template_download": [GET("L O O O O F", query=lambda d: f"unit={d['edu_unit'].pk}&plan={d['plan'].pk}")],
    "unit:template_upload": [
        GET("L O O O O F", query=lambda d: f"unit={d['edu_unit'].pk}"),
        POST("L O F F O F", to="/unit/", data=lambda d: {
            "unit": d["edu_unit"].pk, "plan": d["plan"].pk,
            "file": SimpleUploadedFile("填报表.xlsx", d["template"])})],

    "imports:upload": [GET("L O F F F F"),
                       POST("L O F F F F", to="/imports/preview/", data=lambda d: {
                           "document": SimpleUploadedFile(d["upload"][1]["name"], d["upload"][0])})],
    "imports:preview": [GET("L O F F F F", kwargs=lambda d: {"token": d["upload"][2]})],
    "imports:confirm": [GET("L M M M M M", kwargs=lambda d: {"token": d["upload"][2]}),
                        POST("L O F F F F", kwargs=lambda d: {"token": d["upload"][2]}, to="/imports/done/",
                             setup=recheck_upload, data=lambda d: {  # the preview's form, unchanged
                                 "title": d["upload"][1]["extraction"]["title"] or "",
                                 "year": str(d["upload"][1]["extraction"]["year"] or "")})],
    "imports:done": [GET("L O F F F F", kwargs=lambda d: {"pk": d["source"].pk})],

    "people:list": [GET("L O F F F F")],
    "people:new": [GET("L O F F F F"),
                   POST("L O F F F F", to="/users/", data=lambda d: {"username": "m-new", "role": "leader",
                                                                     "name": "李明", "title": "副秘书长"})],
    "people:detail": [GET("L O F F F F", kwargs=lambda d: {"pk": d["users"]["own"].pk}),
                      POST("L O F F F F", kwargs=lambda d: {"pk": d["users"]["own"].pk}, to="/users/", data=lambda d: {
                          "role": "reporter", "unit": d["edu_unit"].pk, "name": "王芳", "title": "科员"})],
    "people:reset": [GET("L M M M M M", kwargs=lambda d: {"pk": d["users"]["other"].pk}),
                     POST("L O F F F F", kwargs=lambda d: {"pk": d["users"]["other"].pk}, to="/users/")],
    "people:active": [GET("L M M M M M", kwargs=lambda d: {"pk": d["users"]["other"].pk}),
                      POST("L O F F F F", kwargs=lambda d: {"pk": d["users"]["other"].pk}, to="/users/",
                           data=lambda d: {"active": "0"})],

    "public:index": [GET("O O O O O O")],
    "public:plans": [GET("O O O O O O")],
    "public:task": [GET("O O O O O O", kwargs=task3)],

    "supervision:cases": [GET("L O O O O O")],
    "supervision:case_new": [GET("L O F F F F", query=lambda d: f"task={d['task3'].pk}"),
                             POST("L O F F F F", to="/cases/", data=lambda d: {
                                 "source": "leader_instruction", "title": "落实批示", "instruction": "请加快",
                                 "leader": d["users"]["leader"].pk})],
    "supervision:case": [GET("L O O O O F", kwargs=case)],
    "supervision:case_file": [GET("L O O O O F", kwargs=lambda d: {**case(d), "pk": d["case_file"].pk})],
    "supervision:case_act": [GET("L M M M M M", kwargs=lambda d: {**case(d), "action": "comment"}),
                             POST("L O O F F F", kwargs=lambda d: {**case(d), "action": "comment"}, to="/cases/",
                                  data=lambda d: {"text": "请抓紧办理"}),
                             POST("L O F F F F", kwargs=lambda d: {**case(d), "action": "accept"}, to="/cases/",
                                  data=lambda d: {"reason": "材料齐全"}, label="accept")],
    "supervision:instructions": [GET("L O O F F F")],
    "supervision:instruction_case": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["instruction"].pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["instruction"].pk}, to="/cases/", data=lambda d: {
            "title": "落实领导批示:学校建设", "lead_unit": d["edu_unit"].pk,
            "deadline": f"{TODAY + timedelta(days=15):%Y-%m-%d}"})],
    "supervision:instruction_handle": [
        GET("L M M M M M", kwargs=lambda d: {"pk": d["instruction"].pk}),
        POST("L O F F F F", kwargs=lambda d: {"pk": d["instruction"].pk}, to="/instructions/",
             data=lambda d: {"note": "已专题部署"})],
    "supervision:problems": [GET("L O O O O O")],
    "supervision:problem_new": [GET("L O O O O F", query=lambda d: f"task={d['task3'].pk}"),
                                POST("L O O O O F", query=lambda d: f"task={d['task3'].pk}", to="/problems/",
                                     data=lambda d: {"text": "施工许可办理缓慢"})],
    "supervision:problem": [GET("L O O O O F", kwargs=lambda d: {"pk": d["problem"].pk})],
    "supervision:problem_act": [GET("L M M M M M", kwargs=lambda d: {"pk": d["problem"].pk, "action": "dismiss"}),
                                POST("L O F F F F", kwargs=lambda d: {"pk": d["problem"].pk, "action": "dismiss"},
                                     to="/problems/", data=lambda d: {"reason": "不属于本任务"})],
    "supervision:changes": [GET("L O O O O O")],
    # Only a lead unit's reporter may ask for a change (request_change); see test_change_form_… below.
    "supervision:change_new": [GET("L O O O O F", query=lambda d: f"indicator={d['other_indicator'].pk}"),
                               POST("L F F F O F", query=lambda d: f"indicator={d['other_indicator'].pk}",
                                    to="/changes/", data=lambda d: {"new_value": "40所", "reason": "选址调整"})],
    "supervision:change": [GET("L O O O O F", kwargs=lambda d: {"pk": d["change"].pk})],
    "supervision:change_decide": [GET("L M M M M M", kwargs=lambda d: {"pk": d["change"].pk}),
                                  POST("L O F F F F", kwargs=lambda d: {"pk": d["change"].pk}, to="/changes/",
                                       data=lambda d: {"decision": "reject", "reason": "目标不得降低"})],
    "supervision:notifications": [GET("L O O O O O")],
    "supervision:notifications_read": [GET("L M M M M M"), POST("L O O O O O", to="/notifications/")],
    "supervision:notification": [GET("L H H H O H", kwargs=lambda d: {"pk": d["notification"].pk})],  # one's own
    "supervision:month": [GET("L O O O O O", query=lambda d: "month=2023-06")],  # a reporter: its unit's month
    "supervision:calendar": [
        GET("L O F F O F", kwargs=lambda d: {"unit_id": d["edu_unit"].pk}),
        GET("O O O O O O", kwargs=lambda d: {"unit_id": d["edu_unit"].pk}, label="with the unit's token",
            query=lambda d: f"token={calendar_token(d['edu_unit'])}"),
        GET("F F F F F F", kwargs=lambda d: {"unit_id": d["edu_unit"].pk}, label="with another unit's token",
            query=lambda d: f"token={calendar_token(d['task1'].lead_units()[0])}")],

    "bulletins:list": [GET("L O O O F F")],
    "bulletins:new": [GET("L O F F F F"),
                      POST("L O F F F F", to="/bulletins/",
                           data=lambda d: {"plan": d["plan"].pk, "as_of": "2023-11-30"})],
    "bulletins:public": [GET("O O O O O O")],
    "bulletins:public_bulletin": [GET("H H H H H H", kwargs=bulletin("draft"), label="draft"),
                                  GET("H H H H H H", kwargs=bulletin("approved"), label="approved"),
                                  GET("O O O O O O", kwargs=bulletin("published"), label="published")],
    "bulletins:discard": [GET("L M M M M M", kwargs=bulletin("draft")),
                          POST("L O F F F F", kwargs=bulletin("draft"), to="/bulletins/")],
    "bulletins:detail": [GET("L O O O F F", kwargs=bulletin("draft")),
                         GET("L O O O F F", kwargs=bulletin("published"), label="published")],
    "bulletins:approve": [GET("L M M M M M", kwargs=bulletin("draft")),
                          POST("L O F F F F", kwargs=bulletin("draft"), to="/bulletins/")],
    "bulletins:publish": [GET("L M M M M M", kwargs=bulletin("approved")),
                          POST("L O F F F F", kwargs=bulletin("approved"), to="/bulletins/")],
    "bulletins:view": [GET("H O O O H H", kwargs=bulletin("draft"), label="draft"),
                       GET("H O O O H H", kwargs=bulletin("approved"), label="approved"),
                       GET("O O O O O O", kwargs=bulletin("published"), label="published")],
    "bulletins:download": [GET("H O O O H H", kwargs=lambda d: {"pk": d["draft"].pk, "fmt": "md"}, label="draft"),
                           GET("O O O O O O", kwargs=lambda d: {"pk": d["published"].pk, "fmt": "md"},
                               label="published")],

    "clues:lookup": [GET("O O O O O O")],
    "clues:new": [GET("O O O O O O", query=lambda d: f"task={d['task3'].pk}"),
                  POST("O O O O O O", query=lambda d: f"task={d['task3'].pk}", to="/public/clues/", data=lambda d: {
                      "text": "学校工地周边道路未恢复", "token": clue_form_token(timezone.now() - timedelta(seconds=30))})],
    "clues:status": [GET("O O O O O O", kwargs=lambda d: {"code": d["clue"].code})],
}

API_PARAMS = {"plan_id": lambda d: d["plan"].pk, "task_id": lambda d: d["task3"].pk,
              "indicator_id": lambda d: d["schools"].pk, "unit_id": lambda d: d["edu_unit"].pk,
              "report_id": lambda d: d["report"].pk, "token_id": lambda d: d["token"].pk}


def progress_body(d) -> dict:
    return {"task": d["task3"].pk, "as_of": "2023-09-30", "values": [{"metric": SCHOOLS, "amount": "20所"}],
            "text": "已开工20所"}


#                                                 anon office leader reviewer own other
API: dict[str, Probe] = {
    "GET /api/plans": GET("O O O O O O"),
    "GET /api/plans/{plan_id}": GET("O O O O O O"),
    "GET /api/tasks": GET("O O O O O O"),
    "GET /api/tasks/{task_id}": GET("O O O O O F"),
    "GET /api/indicators/{indicator_id}": GET("O O O O O F"),
    "GET /api/units": GET("O O O O O O"),
    "GET /api/units/{unit_id}": GET("O O O O O O"),
    "GET /api/progress": GET("O O O O O O"),
    "GET /api/progress/{report_id}": GET("L O O O O F"),  # a submitted report: not public
    "POST /api/progress": POST("L O F F O F", data=progress_body),
    "POST /api/progress/bulk": POST("L O F F O F", data=lambda d: {"reports": [progress_body(d)]}),
    "POST /api/progress/{report_id}/review": POST("L O F O F F", data=lambda d: {"approve": True, "version": 1}),
    "GET /api/assessments": GET("O O O O O O"),
    "GET /api/tokens": GET("L O O O O O"),
    "POST /api/tokens": POST("L O O O O O", data=lambda d: {"name": "脚本"}),
    "DELETE /api/tokens/{token_id}": Probe("DELETE", "L O H H H H"),  # the office's token: others don't find it
}


# ---------------------------------------------------------------------------------------------- enumeration


def page_patterns() -> dict[str, str]:
    """Every URL pattern's name (namespaced) → its route; the admin as one entry, the API left to
    its OpenAPI document."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    found["admin"] = route
                elif p.namespace != api.urls_namespace:
                    walk(p.url_patterns, ":".join(filter(None, (namespace, p.namespace))), route)
            else:
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                found[name or route] = route

    walk(get_resolver().url_patterns, "", "/")
    return found


def api_operations(client: Client) -> list[str]:
    doc = client.get("/api/openapi.json").json()
    return sorted(f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method in ops
                  if method in ("get", "post", "put", "patch", "delete"))


# ---------------------------------------------------------------------------------------------- probing


def outcome(response, *, api_call: bool) -> str:
    status = response.status_code
    if response.streaming:  # read it through: the test client then closes it without closing the connection
        b"".join(response.streaming_content)
    if 200 <= status < 300:
        return "O"
    if status in (301, 302, 303):
        location = response["Location"]
        if not api_call and (location.startswith("/login/") or location.startswith("/admin/login/")):
            return "L"
        return "O"
    if status == 401 and api_call:
        return "L"
    return {403: "F", 404: "H", 405: "M"}.get(status, f"HTTP {status}")


def counts() -> dict:
    models = (AuditEntry, ProgressReport, Evidence, Comment, Plan, Case, Problem, ChangeRequest, Notification,
              Bulletin, Clue, ApiToken)
    return {m.__name__: m.objects.count() for m in models} | {
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
        "bulletin states": tuple(Bulletin.objects.order_by("pk").values_list("state", flat=True)),
        "report states": tuple(ProgressReport.objects.order_by("pk").values_list("state", "version"))}


class Probing:
    def __init__(self, data: dict):
        self.data = data
        self.clients = {}
        self.mismatches: list[str] = []
        for role in ROLES:
            self.clients[role] = Client()
            self._login(role)

    def _login(self, role):
        if role != "anon":
            self.clients[role].force_login(self.data["users"][role])

    def run(self, key: str, url: str, probe: Probe, *, api_call: bool = False) -> None:
        what = f"{probe.method} {key}" + (f" ({probe.label})" if probe.label else "") + f" {url}"
        for role in ROLES:
            wanted = probe.expected[role]
            if wanted == "-":
                continue
            client = self.clients[role]
            if probe.method == "GET":
                got, detail = outcome(client.get(url), api_call=api_call), ""
            else:
                got, detail = self._write(client, url, probe, api_call)
                self._login(role)  # again: the logout probe logged the client out
            if got != wanted or detail:
                self.mismatches.append(f"{what} as {role}: expected {wanted}, got {got}{detail}")

    def _write(self, client, url, probe, api_call) -> tuple[str, str]:
        with transaction.atomic():
            if probe.setup:
                probe.setup(self.data)
            before = counts()
            body = probe.data(self.data)
            if api_call:
                response = client.generic(probe.method, url, json.dumps(body), content_type="application/json")
            else:
                response = client.post(url, body)
            got = outcome(response, api_call=api_call)
            after = counts()
            transaction.set_rollback(True)
        detail = ""
        if got == "O" and not api_call and response.status_code in (301, 302, 303):
            area = probe.to or "/" + url.strip("/").split("/")[0] + "/"
            if not response["Location"].startswith(area):
                detail = f" (redirected to {response['Location']}, not into {area})"
        if got != "O" and after != before:
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            detail += f" and wrote {changed}"
        return got, detail


def page_url(name: str, route: str, probe: Probe, d: dict) -> str:
    url = route if name == "admin" else reverse(name, kwargs=probe.kwargs(d) or None)
    query = probe.query(d)
    return f"{url}?{query}" if query else url


def api_url(key: str, d: dict) -> str:
    path = key.split(" ", 1)[1]
    for name, value in API_PARAMS.items():
        path = path.replace("{" + name + "}", str(value(d)))
    return path


# ---------------------------------------------------------------------------------------------- the tests


def test_every_url_and_operation_has_an_expectation(client):
    missing = [f"no expectation for the page {name!r} ({route})" for name, route in page_patterns().items()
               if name not in PAGES]
    missing += [f"no expectation for the API operation {op!r}" for op in api_operations(client) if op not in API]
    assert not missing, "\n".join(missing)


def test_pages_by_role(data):
    probing = Probing(data)
    for name, route in page_patterns().items():
        for probe in PAGES.get(name, []):
            probing.run(name, page_url(name, route, probe, data), probe)
    assert not probing.mismatches, "\n".join(probing.mismatches)


def test_api_by_role(data, client):
    probing = Probing(data)
    for key in api_operations(client):
        if key in API:
            probing.run(key, api_url(key, data), API[key], api_call=True)
    assert not probing.mismatches, "\n".join(probing.mismatches)


# ---------------------------------------------------------------------------------------------- known bugs


def test_a_reporters_task_page_links_only_to_pages_it_may_open(data):
    client = Client()
    client.force_login(data["users"]["own"])
    html = client.get(reverse("office:task", args=[data["task3"].pk])).content.decode()
    links = sorted({h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)
                    if not h.startswith(("//", "/static/"))})
    assert links
    refused = [h for h in links if outcome(client.get(h), api_call=False) == "F"]
    assert not refused, f"the reporter's task page links to pages it may not open: {refused}"


def test_the_office_may_correct_the_ledger_in_the_admin(data):
    client = Client()
    client.force_login(data["users"]["office"])
    html = client.get("/admin/").content.decode()
    assert 'href="/admin/ledger/' in html and "你没有查看或编辑的权限" not in html
