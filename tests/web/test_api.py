"""The JSON API at /api/, on the 2023 plan (seed 000) and the 2024 progress report (seed 002)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from duban.core.models import AuditEntry
from duban.ledger.assessment import assess_plan
from duban.ledger.importer import import_file
from duban.ledger.models import Observation, Plan, ProgressReport, Responsibility, StatusChange, Task, Unit
from duban.ledger.models.plans import refresh_sort_keys
from duban.people.models import ApiToken
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"
EMPLOYMENT = [{"metric": "城镇新增就业", "amount": "15万"}]


@pytest.fixture
def ledger(seeds):
    import_file(seed(seeds, "000"), today=date(2024, 11, 30))
    import_file(seed(seeds, "002"), today=date(2024, 11, 30))
    return {"2023": Plan.objects.get(year=2023), "2024": Plan.objects.get(year=2024)}


@pytest.fixture
def people(ledger, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 costs 0.5 s a user
    users = {
        "office": add_user("office", "office", password=PASSWORD)[0],
        "leader": add_user("leader", "leader", password=PASSWORD)[0],
        "reviewer": add_user("reviewer", "reviewer", password=PASSWORD)[0],
        "hr": add_user("hr", "reporter", unit="市人力资源社会保障局", password=PASSWORD)[0],
        "edu": add_user("edu", "reporter", unit="市教育局", password=PASSWORD)[0],
    }
    return {name: ApiToken.issue(user, "测试")[1] for name, user in users.items()}


def task_of(ledger, year: str, number: str) -> Task:
    return ledger[year].tasks.get(number=number)


class Api:
    """A client that speaks JSON, as a token holder or anonymously."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, body, **headers):
        return self.client.post(path, body, content_type="application/json", **self.headers, **headers)

    def delete(self, path, **headers):
        return self.client.delete(path, **self.headers, **headers)


def as_(people, name: str | None) -> Api:
    return Api(people[name] if name else None)


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]["message"]


def submit(api: Api, task: Task, as_of="2023-06-30", values=EMPLOYMENT, text="截至6月底,新增就业15万人"):
    return api.post("/api/progress", {"task": task.pk, "as_of": as_of, "values": values, "text": text})

# ---------------------------------------------------------------- authentication


def test_a_token_authenticates_and_a_wrong_one_is_401(ledger, people):
    response = as_(people, "office").get("/api/progress", state="submitted")
    assert response.status_code == 200 and response.json() == {"count": 0, "items": []}
    token = ApiToken.objects.get(user__username="office")
    assert token.last_used is not None

    message = error_of(Api("dbn_not-a-token").get("/api/plans"), 401, "unauthorized")
    assert "令牌" in message
    error_of(Api("dbn_not-a-token").post("/api/progress", {}), 401, "unauthorized")
    error_of(Api().post("/api/progress", {}), 401, "unauthorized")  # writes need a caller


def test_last_used_is_noted_at_most_once_a_minute(ledger, people):
    token = ApiToken.objects.get(user__username="office")
    recently = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used=recently)
    as_(people, "office").get("/api/plans")
    token.refresh_from_db()
    assert token.last_used == recently
    ApiToken.objects.filter(pk=token.pk).update(last_used=recently - timedelta(minutes=2))
    as_(people, "office").get("/api/plans")
    token.refresh_from_db()
    assert token.last_used > recently


def test_a_revoked_token_or_an_inactive_user_is_401(ledger, people):
    ApiToken.objects.filter(user__username="edu").delete()
    error_of(as_(people, "edu").get("/api/tasks"), 401, "unauthorized")
    User.objects.filter(username="hr").update(is_active=False)
    error_of(as_(people, "hr").get("/api/tasks"), 401, "unauthorized")


def test_the_session_works_and_its_writes_need_the_csrf_token(ledger, people):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="hr", password=PASSWORD)
    api = Api(client=client)
    assert api.get("/api/tasks").json()["count"] == 3  # 市人力资源社会保障局: 2023 tasks 1 (lead), 16 (co); 2024 task 1
    task = task_of(ledger, "2023", "1")
    error_of(submit(api, task), 403, "forbidden")
    assert not ProgressReport.objects.filter(task=task).exists()
    secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    client.cookies["csrftoken"] = secret  # as a page sets it; its script sends it back in the header
    response = api.client.post("/api/progress", {"task": task.pk, "as_of": "2023-06-30", "values": EMPLOYMENT},
                               content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "submitted"


def test_a_logged_in_user_issues_lists_and_revokes_own_tokens(ledger, people):
    client = Client()
    client.login(username="edu", password=PASSWORD)
    response = client.post("/api/tokens", {"name": "报表脚本"}, content_type="application/json")
    assert response.status_code == 201
    issued = response.json()
    assert issued["token"].startswith("dbn_") and issued["name"] == "报表脚本"
    mine = Api(issued["token"])
    assert mine.get("/api/tasks").status_code == 200
    assert {t["name"] for t in mine.get("/api/tokens").json()} == {"测试", "报表脚本"}
    assert "token" not in mine.get("/api/tokens").json()[0]
    error_of(mine.post("/api/tokens", {"name": "x"}), 401, "unauthorized")  # a token does not mint tokens
    other = ApiToken.objects.get(user__username="office")
    error_of(mine.delete(f"/api/tokens/{other.pk}"), 404, "not_found")
    assert mine.delete(f"/api/tokens/{issued['id']}").status_code == 204
    error_of(mine.get("/api/tasks"), 401, "unauthorized")
    assert AuditEntry.objects.filter(action__in=["tokens.issue", "tokens.revoke"]).count() == 2

# ---------------------------------------------------------------- plans, tasks, units, indicators


def test_plans_and_a_plan_with_its_sections_and_status_counts(ledger, people):
    api = as_(people, "leader")
    plans = api.get("/api/plans").json()
    assert [p["year"] for p in plans] == [2024, 2023]
    assert {p["genre"] for p in plans} == {"practical"} and plans[0]["genre_label"] == "市办实事"
    assert [p["year"] for p in api.get("/api/plans", year=2023).json()] == [2023]
    assert api.get("/api/plans", genre="campaign").json() == []
    error_of(api.get("/api/plans", genre="nonsense"), 422, "invalid")

    assess_plan(ledger["2024"].pk, date(2024, 11, 30))
    detail = api.get(f"/api/plans/{ledger['2024'].pk}").json()
    assert detail["task_count"] == 15 and isinstance(detail["sections"], list)
    counts = {c["status"]: c["count"] for c in detail["status_counts"]}
    assert sum(counts.values()) == 15 and counts["已完成"] >= 1
    assert next(c for c in detail["status_counts"] if c["status"] == "已完成")["status_code"] == "done"
    error_of(api.get("/api/plans/999999"), 404, "not_found")


def test_tasks_filter_search_and_page(ledger, people):
    api = as_(people, "office")
    everything = api.get("/api/tasks", limit=200).json()
    assert everything["count"] == 31 and len(everything["items"]) == 31
    first = everything["items"][0]
    assert first["year"] == 2024 and first["number"] == "1" and first["lead_units"] == ["市人力资源社会保障局"]

    page = api.get("/api/tasks", plan=ledger["2023"].pk, limit=5, offset=5).json()
    assert page["count"] == 16 and [t["number"] for t in page["items"]] == ["6", "7", "8", "9", "10"]
    assert api.get("/api/tasks", year=2024).json()["count"] == 15
    by_unit = api.get("/api/tasks", unit="市人力资源社会保障局", year=2023).json()
    assert [t["number"] for t in by_unit["items"]] == ["1", "16"]
    found = api.get("/api/tasks", q="城镇新增就业 公益性岗位").json()
    assert found["count"] == 2 and all(t["number"] == "1" for t in found["items"])
    assert api.get("/api/tasks", q="城镇新增就业 不存在的词").json()["count"] == 0

    assess_plan(ledger["2024"].pk, date(2024, 11, 30))
    done = api.get("/api/tasks", status="已完成").json()
    assert done["count"] >= 1 and {t["status_code"] for t in done["items"]} == {"done"}
    assert api.get("/api/tasks", status="done").json()["count"] == done["count"]
    error_of(api.get("/api/tasks", status="很好"), 400, "unknown_status")
    error_of(api.get("/api/tasks", unit="不存在的单位"), 400, "unknown_unit")
    error_of(api.get("/api/tasks", limit=500), 422, "invalid")


def test_a_search_with_more_matches_than_the_cap_gives_a_lower_bound(ledger, people, monkeypatch):
    from duban.web import queries

    extra = Plan.objects.create(city="青岛市", year=2024, genre="other", title="检索上限测试计划")
    Task.objects.bulk_create([Task(plan=extra, number=str(i), order=i, content=f"测试任务{i}") for i in range(1, 131)])
    refresh_sort_keys([extra.pk])  # bulk_create skips save(), which keeps it
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 100)
    api = as_(people, "office")
    first = api.get("/api/tasks", q="测试任务", limit=50).json()
    assert first["count"] == 100 and first["total_is_lower_bound"] is True and len(first["items"]) == 50
    last = api.get("/api/tasks", q="测试任务", limit=50, offset=100).json()  # counted to the page's end
    assert last["count"] == 130 and last["total_is_lower_bound"] is False and len(last["items"]) == 30
    seen = {t["id"] for offset in (0, 50, 100) for t in api.get("/api/tasks", q="测试任务", limit=50,
                                                                  offset=offset).json()["items"]}
    assert len(seen) == 130
    everything = api.get("/api/tasks").json()  # no search: counted in full
    assert everything["count"] == 161 and everything["total_is_lower_bound"] is False


def test_one_units_tasks_are_counted_to_the_cap(ledger, people, monkeypatch):
    from duban.web import queries

    extra = Plan.objects.create(city="青岛市", year=2024, genre="other", title="单位上限测试计划")
    tasks = Task.objects.bulk_create([Task(plan=extra, number=str(i), order=i, content=f"测试任务{i}")
                                      for i in range(1, 131)])
    refresh_sort_keys([extra.pk])
    unit = Unit.objects.get(name="市教育局")
    Responsibility.objects.bulk_create([Responsibility(task=t, unit=unit, role="lead") for t in tasks])
    mine = Task.objects.filter(responsibilities__unit=unit).count()
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 100)
    api = as_(people, "office")
    first = api.get("/api/tasks", unit="市教育局", limit=50).json()
    assert first["count"] == 100 and first["total_is_lower_bound"] is True and len(first["items"]) == 50
    seen = {t["id"] for offset in range(0, mine, 50)
            for t in api.get("/api/tasks", unit="市教育局", limit=50, offset=offset).json()["items"]}
    assert len(seen) == mine
    assert api.get("/api/tasks").json()["total_is_lower_bound"] is False


def test_a_task_with_units_indicators_checkpoints_and_milestones(ledger, people):
    task = task_of(ledger, "2023", "1")
    detail = as_(people, "office").get(f"/api/tasks/{task.pk}").json()
    assert "城镇新增就业35万人以上" in detail["content"]
    roles = {u["name"]: u["role"] for u in detail["units"]}
    assert roles["市人力资源社会保障局"] == "lead" and roles["市财政局"] == "co"
    employment = next(i for i in detail["indicators"] if i["metric"] == "城镇新增就业")
    assert employment["target"] == 350000 and employment["qualifier"] == ">=" and employment["unit"] == "人"
    assert {"due": "2023-06-30", "value": 170000} in [{k: c[k] for k in ("due", "value")}
                                                      for c in employment["checkpoints"]]
    assert [m["due"] for m in detail["milestones"]][:2] == ["2023-03-31", "2023-06-30"]
    assert "status" in detail and "reason" in detail
    error_of(as_(people, "office").get("/api/tasks/99999999"), 404, "not_found")


def test_a_reporter_sees_its_units_tasks_and_gets_403_for_another_units(ledger, people):
    hr, edu = as_(people, "hr"), as_(people, "edu")
    employment = task_of(ledger, "2023", "1")
    assert hr.get(f"/api/tasks/{employment.pk}").status_code == 200
    message = error_of(edu.get(f"/api/tasks/{employment.pk}"), 403, "forbidden")
    assert "不属于您的单位" in message
    assert {t["id"] for t in hr.get("/api/tasks").json()["items"]} >= {employment.pk}
    assert employment.pk not in {t["id"] for t in edu.get("/api/tasks", limit=200).json()["items"]}
    indicator = employment.indicators.first()
    error_of(edu.get(f"/api/indicators/{indicator.pk}"), 403, "forbidden")
    error_of(edu.get("/api/progress", task=employment.pk), 403, "forbidden")
    error_of(submit(edu, employment), 403, "forbidden")
    assert not ProgressReport.objects.filter(task=employment).exists()


def test_units_and_a_unit_with_its_tasks(ledger, people):
    api = as_(people, "reviewer")
    units = api.get("/api/units").json()
    hr = next(u for u in units if u["name"] == "市人力资源社会保障局")
    assert hr["lead_count"] >= 2 and hr["co_count"] >= 1
    detail = api.get(f"/api/units/{hr['id']}").json()
    tasks = {(t["task"]["year"], t["task"]["number"]): t["role"] for t in detail["tasks"]}
    assert tasks[(2023, "1")] == "lead" and tasks[(2023, "16")] == "co" and tasks[(2024, "1")] == "lead"
    error_of(api.get("/api/units/99999999"), 404, "not_found")


def test_an_indicator_shows_approved_values_to_all_and_submitted_ones_to_insiders(ledger, people):
    task = task_of(ledger, "2023", "1")
    indicator = task.indicators.get(metric="城镇新增就业")
    assert submit(as_(people, "hr"), task).status_code == 201  # submitted, awaiting review
    assert submit(as_(people, "office"), task, as_of="2023-09-30",
                  values=[{"metric": "城镇新增就业", "amount": "29万"}]).status_code == 201  # approved

    def seen(who):
        body = as_(people, who).get(f"/api/indicators/{indicator.pk}").json()
        return sorted((o["value"], o["state"]) for o in body["observations"])

    assert seen(None) == [(290000, "approved")]
    for insider in ("office", "leader", "reviewer", "hr"):
        assert seen(insider) == [(150000, "submitted"), (290000, "approved")]
    body = Api().get(f"/api/indicators/{indicator.pk}").json()
    assert body["task"] == task.pk and any(c["value"] == 170000 for c in body["checkpoints"])
    error_of(Api().get("/api/indicators/99999999"), 404, "not_found")

# ---------------------------------------------------------------- progress


def test_a_reporter_submits_and_the_office_reports_approved(ledger, people):
    task = task_of(ledger, "2023", "1")
    response = submit(as_(people, "hr"), task)
    assert response.status_code == 201
    report = response.json()
    assert report["state"] == "submitted" and report["task"] == task.pk and report["version"] == 1
    assert report["values"] == [{"indicator": task.indicators.get(metric="城镇新增就业").pk, "metric": "城镇新增就业",
                                 "unit": "人", "value": 150000, "percent": pytest.approx(42.9)}]
    assert report["submitted_by"] == "hr"

    office = submit(as_(people, "office"), task, as_of="2023-09-30", values=[{"metric": "城镇新增就业", "amount": "29万人"}])
    assert office.status_code == 201 and office.json()["state"] == "approved"

    listed = as_(people, "hr").get("/api/progress", task=task.pk).json()
    assert [r["as_of"] for r in listed["items"]] == ["2023-09-30", "2023-06-30"]
    assert [r["state"] for r in as_(people, "office").get("/api/progress", state="submitted").json()["items"]] == [
        "submitted"]
    assert as_(people, "hr").get(f"/api/progress/{report['id']}").json()["text"] == "截至6月底,新增就业15万人"


@pytest.mark.parametrize("change, status, code, words", [
    ({"as_of": "2024-01-05"}, 400, "invalid", "不在计划年度"),
    ({"values": [{"metric": "不存在的指标", "amount": "15万"}]}, 400, "invalid", "没有指标"),
    ({"values": [{"metric": "城镇新增就业", "amount": "很多"}]}, 400, "invalid", "无法识别"),
    ({"as_of": "2023-13-01"}, 422, "invalid", "as_of"),
    ({"task": 99999999}, 404, "not_found", "任务"),
    ({"values": "城镇新增就业"}, 422, "invalid", "values"),
])
def test_bad_progress_is_refused_in_the_error_shape(ledger, people, change, status, code, words):
    task = task_of(ledger, "2023", "1")
    body = {"task": task.pk, "as_of": "2023-06-30", "values": EMPLOYMENT, "text": "", **change}
    message = error_of(as_(people, "hr").post("/api/progress", body), status, code)
    assert words in message
    assert not ProgressReport.objects.filter(task=task).exists()


def test_bulk_stores_all_or_nothing(ledger, people):
    hr = as_(people, "hr")
    one, sixteen = task_of(ledger, "2023", "1"), task_of(ledger, "2023", "16")
    good = {"task": one.pk, "as_of": "2023-06-30", "values": EMPLOYMENT}
    bad = {"task": one.pk, "as_of": "2023-09-30", "values": [{"metric": "城镇新增就业", "amount": "-5"}]}
    before = (ProgressReport.objects.count(), Observation.objects.count(), AuditEntry.objects.count())

    response = hr.post("/api/progress/bulk", {"reports": [good, bad]})
    message = error_of(response, 400, "invalid")
    assert response.json()["error"]["index"] == 1 and "第2条" in message and "不能为负" in message
    assert (ProgressReport.objects.count(), Observation.objects.count(), AuditEntry.objects.count()) == before

    response = hr.post("/api/progress/bulk", {"reports": [good, {**good, "task": task_of(ledger, "2023", "3").pk}]})
    assert error_of(response, 403, "forbidden") and response.json()["error"]["index"] == 1
    response = hr.post("/api/progress/bulk", {"reports": [good, {**good, "as_of": "不是日期"}]})
    assert error_of(response, 422, "invalid") and response.json()["error"]["index"] == 1
    assert ProgressReport.objects.count() == before[0]

    text_only = {"task": sixteen.pk, "as_of": "2023-06-30", "text": "已完成年度任务的一半"}
    response = hr.post("/api/progress/bulk", {"reports": [good, text_only]})
    assert response.status_code == 201
    assert [(r["task"], r["state"]) for r in response.json()] == [(one.pk, "submitted"), (sixteen.pk, "submitted")]
    assert ProgressReport.objects.count() == before[0] + 2


def test_review_approves_and_a_stale_version_is_409(ledger, people):
    task = task_of(ledger, "2023", "1")
    report = submit(as_(people, "hr"), task).json()
    path = f"/api/progress/{report['id']}/review"
    error_of(as_(people, "hr").post(path, {"approve": True, "version": 1}), 403, "forbidden")
    error_of(as_(people, "leader").post(path, {"approve": True, "version": 1}), 403, "forbidden")
    error_of(as_(people, "reviewer").post(path, {"approve": False, "version": 1}), 400, "invalid")  # no reason

    response = as_(people, "reviewer").post(path, {"approve": True, "reason": "数据属实", "version": 1})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["version"], response.json()["review_note"]) == (
        "approved", 2, "数据属实")
    message = error_of(as_(people, "office").post(path, {"approve": False, "reason": "数据有误", "version": 1}),
                       409, "conflict")
    assert "他人修改" in message
    assert ProgressReport.objects.get(pk=report["id"]).state == "approved"
    error_of(as_(people, "office").post("/api/progress/99999999/review", {"approve": True, "version": 1}),
             404, "not_found")


def test_a_returned_report_carries_the_reason(ledger, people):
    report = submit(as_(people, "hr"), task_of(ledger, "2023", "1")).json()
    response = as_(people, "office").post(f"/api/progress/{report['id']}/review",
                                          {"approve": False, "reason": "请附佐证材料", "version": 1})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert as_(people, "hr").get(f"/api/progress/{report['id']}").json()["review_note"] == "请附佐证材料"

# ---------------------------------------------------------------- assessments


def test_assessments_live_for_a_plan_and_stored_without_one(ledger, people):
    api = as_(people, "leader")
    stored_before = (StatusChange.objects.count(), list(Task.objects.values_list("status", "assessed_on")))
    live = api.get("/api/assessments", plan=ledger["2024"].pk, as_of="2024-11-30").json()
    assert live["live"] and live["as_of"] == "2024-11-30" and len(live["items"]) == 15
    first = next(i for i in live["items"] if i["number"] == "1")
    assert (first["status"], first["status_code"], first["color"]) == ("已完成", "done", "green")
    assert {i["metric"] for i in first["indicators"]} >= {"城镇新增就业"}
    fourteen = next(i for i in live["items"] if i["number"] == "14")
    assert fourteen["status_code"] in ("behind", "seriously_behind") and "消防站" in fourteen["reason"]
    assert (StatusChange.objects.count(), list(Task.objects.values_list("status", "assessed_on"))) == stored_before

    assess_plan(ledger["2024"].pk, date(2024, 11, 30))
    stored = api.get("/api/assessments").json()
    assert not stored["live"] and len(stored["items"]) == 31
    one = next(i for i in stored["items"] if i["task"] == task_of(ledger, "2024", "1").pk)
    assert (one["status_code"], one["as_of"], one["indicators"]) == ("done", "2024-11-30", [])
    error_of(api.get("/api/assessments", as_of="2024-11-30"), 400, "invalid")
    error_of(api.get("/api/assessments", plan=99999999), 404, "not_found")
    hr = as_(people, "hr").get("/api/assessments", plan=ledger["2023"].pk, as_of="2023-06-30").json()
    assert [i["number"] for i in hr["items"]] == ["1", "16"]

# ---------------------------------------------------------------- the public


def test_anonymous_reads_public_data_but_not_unapproved_reports(ledger, people):
    anonymous = Api()
    task = task_of(ledger, "2023", "1")
    submitted = submit(as_(people, "hr"), task).json()
    approved = submit(as_(people, "office"), task, as_of="2023-09-30",
                      values=[{"metric": "城镇新增就业", "amount": "29万"}]).json()

    assert len(anonymous.get("/api/plans").json()) == 2
    assert anonymous.get("/api/tasks").json()["count"] == 31
    assert anonymous.get(f"/api/tasks/{task.pk}").status_code == 200
    unit = Unit.objects.get(name="市教育局")
    assert anonymous.get(f"/api/units/{unit.pk}").json()["tasks"]
    assert anonymous.get("/api/assessments", plan=ledger["2023"].pk).status_code == 200

    listed = anonymous.get("/api/progress").json()
    assert {r["state"] for r in listed["items"]} == {"approved"}
    assert submitted["id"] not in {r["id"] for r in listed["items"]}
    mine = next(r for r in listed["items"] if r["id"] == approved["id"])
    assert mine["submitted_by"] is None and mine["review_note"] is None and mine["evidence"] is None
    error_of(anonymous.get("/api/progress", state="submitted"), 401, "unauthorized")
    error_of(anonymous.get(f"/api/progress/{submitted['id']}"), 401, "unauthorized")
    assert anonymous.get(f"/api/progress/{approved['id']}").json()["review_note"] is None
    error_of(submit(anonymous, task), 401, "unauthorized")
    error_of(anonymous.post(f"/api/progress/{submitted['id']}/review", {"approve": True, "version": 1}),
             401, "unauthorized")
    error_of(anonymous.get("/api/tokens"), 401, "unauthorized")


def test_unknown_paths_and_bad_ids_answer_in_the_error_shape(ledger, people):
    api = as_(people, "office")
    error_of(api.get("/api/no-such-thing"), 404, "not_found")
    error_of(api.get("/api/tasks/abc"), 404, "not_found")
    error_of(api.get(f"/api/tasks/{2**70}"), 422, "invalid")
    error_of(api.get("/api/tasks/0"), 422, "invalid")
    error_of(api.get("/api/tasks", q="a\x00b"), 422, "invalid")
    response = api.client.post("/api/progress", "{not json", content_type="application/json", **api.headers)
    assert "JSON" in error_of(response, 400, "invalid")
