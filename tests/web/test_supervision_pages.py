"""督办件, 问题, 调整申请, 通知 and the calendar feed, through the pages, on the 2024 progress (seed 002)
assessed as of 30 November: task 14's fire stations lag (3 of 10 started), so the office opens a case
from the task page, assigns it to 市消防救援支队, which signs for it and feeds back with a file; the
office returns it with a reason, accepts the second feedback and closes the case."""
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from duban.ledger.models import Indicator, Milestone, Task
from duban.ledger.units import get_unit
from duban.supervision.models import Case, CaseFile, ChangeRequest, Notification, Problem, Urge
from duban.supervision.services import run_reminders
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 fire station construction permits\n"


def today():
    return timezone.localdate()


def post(client, url, data=None, status=302):
    response = client.post(url, data or {})
    assert response.status_code == status, (url, response.status_code, page_text(response)[:2000])
    return response


def open_case(office, task14) -> Case:
    response = post(office, f"/cases/new/?task={task14.pk}")
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.number}/"
    return case


def assign(office, case, *, days=7):
    post(office, f"/cases/{case.number}/assign/", {
        "lead_unit": get_unit("市消防救援支队").pk, "co_units": [get_unit("市红十字会").pk],
        "deadline": f"{today() + timedelta(days=days):%Y-%m-%d}", "note": "请倒排工期"})


# ---------------------------------------------------------------- the whole case loop


def test_the_whole_case_loop_through_the_pages(people, task14):
    office, fire, redcross, edu = (signed_in(people[k]) for k in ("office", "fire", "redcross", "edu"))
    case = open_case(office, task14)
    assert (case.state, case.source, case.task_id) == ("opened", "lagging_task", task14.pk)
    page = page_text(office.get(case.path()))
    assert "消防站" in page and "任务滞后" in page and 'name="lead_unit"' in page
    assert "市消防救援支队(本任务责任单位)" in page  # the task's own units offered first

    assign(office, case)
    case.refresh_from_db()
    assert case.state == "assigned" and case.lead_unit.name == "市消防救援支队"
    assert [u.name for u in case.co_units.all()] == ["市红十字会"]

    # the lead unit's reporter: told, signs for it, handles it, feeds back with a file
    assert Notification.objects.filter(user=people["fire"], kind="assigned").exists()
    page = page_text(fire.get(case.path()))
    assert "签收" in page and 'name="lead_unit"' not in page
    post(fire, f"/cases/{case.number}/acknowledge/")
    post(fire, f"/cases/{case.number}/start/", {"note": "已部署7处消防站开工准备"})
    evidence = SimpleUploadedFile("开工许可.pdf", PDF, content_type="application/pdf")
    post(fire, f"/cases/{case.number}/feedback/", {"text": "剩余7处消防站已完成招标,12月下旬开工", "files": [evidence]})
    case.refresh_from_db()
    assert case.state == "feedback" and CaseFile.objects.filter(case=case).count() == 1

    # the co-unit sees the case but may not act; another unit may not even see it
    assert redcross.get(case.path()).status_code == 200
    post(redcross, f"/cases/{case.number}/accept/", status=403)
    assert edu.get(case.path()).status_code == 403
    the_file = CaseFile.objects.get(case=case)
    assert edu.get(f"/cases/{case.number}/files/{the_file.pk}/").status_code == 403
    assert case.number not in page_text(edu.get("/cases/"))
    assert case.number in page_text(fire.get("/cases/"))

    # the office returns it with a reason (required), the unit feeds back again
    post(office, f"/cases/{case.number}/return/", {"reason": ""}, status=400)
    post(office, f"/cases/{case.number}/return/", {"reason": "未附开工计划表,请补充各站开工时间"})
    case.refresh_from_db()
    assert case.state == "in_progress" and "开工计划表" in case.return_reason
    assert "未附开工计划表" in page_text(fire.get(case.path()))
    assert Notification.objects.filter(user=people["fire"], kind="returned").exists()
    post(fire, f"/cases/{case.number}/feedback/", {"text": "已补充开工计划表:7处消防站12月20日至28日陆续开工"})

    # accepted, closed
    post(office, f"/cases/{case.number}/accept/", {"reason": "材料齐全"})
    post(office, f"/cases/{case.number}/close/")
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_on == today()
    assert [e.action for e in case.events.order_by("id")] == [
        "open", "assign", "acknowledge", "start", "feedback", "return", "feedback", "accept", "close"]

    page = page_text(fire.get(case.path()))
    assert "已办结(销号)" in page and "开工许可.pdf" in page and "未附开工计划表" in page
    download = fire.get(f"/cases/{case.number}/files/{the_file.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert 'name="text"' not in page  # nothing left to do for the unit


def test_a_step_out_of_turn_is_refused_and_the_list_filters(people, task14):
    office, fire = signed_in(people["office"]), signed_in(people["fire"])
    case = open_case(office, task14)
    post(office, f"/cases/new/?task={task14.pk}", status=400)  # one unfinished lagging-task case per task
    post(fire, f"/cases/new/?task={task14.pk}", status=403)
    post(fire, f"/cases/{case.number}/acknowledge/", status=403)  # not yet assigned to it
    post(office, f"/cases/{case.number}/close/", status=400)  # 立项 cannot be closed
    assign(office, case)
    assert case.number in page_text(office.get("/cases/?state=assigned"))
    assert case.number not in page_text(office.get("/cases/?state=closed"))
    assert case.number in page_text(office.get(f"/cases/?unit={get_unit('市消防救援支队').pk}"))
    assert office.get("/cases/nonsense/").status_code == 404
    assert Client().get("/cases/").status_code == 302  # to the login page


def test_a_case_from_a_leaders_instruction_and_the_leaders_list(people, task14):
    office, leader = signed_in(people["office"]), signed_in(people["leader"])
    page = page_text(office.get("/cases/new/"))
    assert "领导批示" in page and "leader" in page
    post(office, "/cases/new/", {"source": "leader_instruction", "title": "落实领导批示:加快消防站建设",
                                 "instruction": "请倒排工期,确保年底前全部开工", "leader": people["leader"].pk,
                                 "reason": ""})
    case = Case.objects.get()
    assert (case.source, case.instructed_by, case.task) == ("leader_instruction", people["leader"], None)
    # the leader's own list shows the cases of its instruction; 全部 shows every case
    assert case.number in page_text(leader.get("/cases/"))
    post(leader, f"/cases/{case.number}/comment/", {"text": "务必按期完成"})
    assert case.events.filter(kind="comment", note="务必按期完成").exists()
    post(leader, f"/cases/{case.number}/assign/", {"lead_unit": get_unit("市消防救援支队").pk,
                                                  "deadline": f"{today():%Y-%m-%d}"}, status=403)
    bad = post(office, "/cases/new/", {"source": "leader_instruction", "title": "", "instruction": "x"}, status=400)
    assert "标题不能为空" in page_text(bad)


# ---------------------------------------------------------------- problems


def test_a_problem_raised_on_the_task_page_is_driven_to_confirmed(people, task14):
    office, fire, redcross = signed_in(people["office"]), signed_in(people["fire"]), signed_in(people["redcross"])
    page = page_text(fire.get(f"/problems/new/?task={task14.pk}"))
    assert "反映问题" in page and "消防站" in page
    post(fire, f"/problems/new/?task={task14.pk}", {"text": ""}, status=400)
    post(fire, f"/problems/new/?task={task14.pk}", {"text": "2处消防站选址涉及规划调整,需自然资源部门协调"})
    problem = Problem.objects.get()
    assert (problem.state, problem.raised_by, problem.task) == ("found", people["fire"], task14)
    assert signed_in(people["edu"]).get(problem.path()).status_code == 403

    post(office, f"/problems/{problem.pk}/assign/", {"coordinator": people["redcross"].pk, "note": "请牵头协调"})
    post(redcross, f"/problems/{problem.pk}/coordinate/", {"note": "已召开协调会"})
    post(fire, f"/problems/{problem.pk}/resolve/", status=403)  # the raiser does not resolve
    post(redcross, f"/problems/{problem.pk}/resolve/", {"resolution": "规划调整已批复"})
    post(office, f"/problems/{problem.pk}/confirm/", status=403)  # only the raiser confirms
    post(fire, f"/problems/{problem.pk}/confirm/", {"note": "确认"})
    problem.refresh_from_db()
    assert problem.state == "confirmed" and problem.confirmed_on == today()
    page = page_text(fire.get(problem.path()))
    assert "已确认办结" in page and "已召开协调会" in page and "规划调整已批复" in page
    assert problem.path() in page_text(office.get("/problems/?state=confirmed"))

    # the office may open a case from a problem: the form comes prefilled
    page = page_text(office.get(f"/cases/new/?problem={problem.pk}"))
    assert "问题线索" in page and "自然资源部门协调" in page


# ---------------------------------------------------------------- change requests


def test_a_change_request_is_decided_and_the_original_stays_beside_the_adjusted(people, task14):
    office, fire = signed_in(people["office"]), signed_in(people["fire"])
    stations = Indicator.objects.get(task=task14, metric="开工建设城镇消防站")
    page = page_text(fire.get(f"/changes/new/?indicator={stations.pk}"))
    assert "10处" in page and "开工建设城镇消防站" in page
    post(fire, f"/changes/new/?indicator={stations.pk}", {"new_value": "8处", "reason": ""}, status=400)
    post(fire, f"/changes/new/?indicator={stations.pk}", {"new_value": "8处", "reason": "2处选址调整至2025年"})
    change = ChangeRequest.objects.get()
    assert (change.state, change.original_value, change.requested_value) == ("pending", 10, 8)
    post(signed_in(people["edu"]), f"/changes/new/?indicator={stations.pk}",
         {"new_value": "7", "reason": "x"}, status=403)

    assert change.path() in page_text(office.get("/changes/?state=pending"))
    post(fire, f"/changes/{change.pk}/decide/", {"decision": "approve"}, status=403)
    post(office, f"/changes/{change.pk}/decide/", {"decision": "approve", "reason": "同意"})
    stations.refresh_from_db()
    assert stations.target == 8
    assert "已批准" in page_text(fire.get(change.path()))

    # a due date moved, too (the 2024 list has no schedule: a milestone of our own)
    milestone = Milestone.objects.create(task=task14, due=date(2024, 12, 31), text="12月底前,10处消防站全部开工")
    new_due = today() + timedelta(days=30)
    post(fire, f"/changes/new/?milestone={milestone.pk}", {"new_due": f"{new_due:%Y-%m-%d}", "reason": "冬季施工"})
    post(office, f"/changes/{ChangeRequest.objects.get(milestone=milestone).pk}/decide/", {"decision": "approve"})
    milestone.refresh_from_db()
    assert milestone.due == new_due

    old_due = ChangeRequest.objects.get(milestone=milestone).original_due
    office_page = page_text(office.get(f"/tasks/{task14.pk}/"))
    assert "原目标10处" in office_page
    assert f"原定{old_due.year}年{old_due.month}月{old_due.day}日" in office_page
    public_page = page_text(Client().get(f"/public/tasks/{task14.pk}/"))
    assert "原目标10处" in public_page and "8处" in public_page


def test_a_rejected_change_needs_a_reason_and_changes_nothing(people, task14):
    office, fire = signed_in(people["office"]), signed_in(people["fire"])
    stations = Indicator.objects.get(task=task14, metric="开工建设城镇消防站")
    post(fire, f"/changes/new/?indicator={stations.pk}", {"new_value": "6", "reason": "资金不足"})
    change = ChangeRequest.objects.get()
    post(office, f"/changes/{change.pk}/decide/", {"decision": "reject", "reason": ""}, status=400)
    post(office, f"/changes/{change.pk}/decide/", {"decision": "reject", "reason": "目标不予调整"})
    stations.refresh_from_db()
    assert stations.target == 10 and ChangeRequest.objects.get().state == "rejected"
    assert "原目标" not in page_text(office.get(f"/tasks/{task14.pk}/"))


# ---------------------------------------------------------------- notifications


def test_notifications_after_the_reminders_run(people, task14):
    office, fire, leader = signed_in(people["office"]), signed_in(people["fire"]), signed_in(people["leader"])
    case = open_case(office, task14)
    assign(office, case, days=2)
    Notification.objects.all().delete()

    run = run_reminders(today())  # two days before the deadline: yellow
    assert [u.level for u in run.urges] == ["yellow"]
    page = page_text(fire.get("/notifications/"))
    assert "黄色催办" in page and case.number in page
    assert re.search(r'notify-count">\s*1\s*<', page_text(fire.get("/cases/")))  # the count in the nav
    assert "黄色催办" in page_text(fire.get("/cases/"))  # the urgency badge in the list

    run_reminders(today() + timedelta(days=3))  # the deadline passed: red, told to the leaders
    assert Urge.objects.filter(case=case, level="red", escalated_to_leaders=True).exists()
    assert "逾期督办报告" not in page_text(leader.get("/notifications/"))  # (that is the e-mail's subject)
    assert case.number in page_text(leader.get("/notifications/"))
    assert case.number in page_text(leader.get("/cases/"))  # escalated: in the leader's own list

    note = Notification.objects.filter(user=people["fire"]).first()
    response = fire.get(f"/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == case.path()
    assert Notification.objects.get(pk=note.pk).read_at is not None
    leaders_note = Notification.objects.filter(user=people["leader"]).first()
    assert fire.get(f"/notifications/{leaders_note.pk}/").status_code == 404  # another user's: not there
    post(fire, "/notifications/read/")
    assert not Notification.objects.filter(user=people["fire"], read_at__isnull=True).exists()
    assert "notify-count" not in page_text(fire.get("/notifications/"))


# ---------------------------------------------------------------- the calendar feed


def test_the_calendar_feed_with_a_session_and_with_the_units_token(people, task14):
    office, fire, edu = signed_in(people["office"]), signed_in(people["fire"]), signed_in(people["edu"])
    case = open_case(office, task14)
    assign(office, case, days=10)
    unit = get_unit("市消防救援支队")
    url = f"/calendar/{unit.pk}.ics"

    response = fire.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "END:VCALENDAR" in body and case.number in body
    assert office.get(url).status_code == 200
    assert edu.get(url).status_code == 403
    assert Client().get(url).status_code == 302  # no session, no token: to the login page

    # the workspace offers the subscription link with the unit's token
    page = page_text(fire.get("/unit/"))
    assert "订阅日历" in page
    link = re.search(r'href="(http://testserver/calendar/\d+\.ics\?token=[^"]+)"', page).group(1)
    anonymous = Client().get(link.replace("http://testserver", ""))
    assert anonymous.status_code == 200 and anonymous["Content-Type"] == "text/calendar; charset=utf-8"
    assert case.number in anonymous.content.decode()
    token = link.split("token=")[1]
    other = get_unit("市教育局")
    assert Client().get(f"/calendar/{other.pk}.ics?token={token}").status_code == 403  # another unit's feed
    assert Client().get(f"{url}?token=forged").status_code == 403


# ---------------------------------------------------------------- the task page's box


def test_a_case_on_a_lagging_task_starts_right(people, task14):
    """The form names the part that lags (the fire stations, not the AED) and offers its lead unit
    (市消防救援支队, not 市红十字会, the first lead of the task); the office edits both before 立项 and the
    case is opened and assigned in one step."""
    office = signed_in(people["office"])
    form = page_text(office.get(f"/cases/new/?task={task14.pk}"))
    assert "关于第14项“开工建设城镇消防站”严重滞后的督办" in form
    assert ' selected>市消防救援支队(本任务责任单位)</option>' in form
    assert 'data-filters="co-units"' in form  # the co-units' search box
    assert not Case.objects.exists()  # a form, not yet a case
    bad = post(office, f"/cases/new/?task={task14.pk}", {"source": "lagging_task", "title": "", "lead_unit": "",
                                                          "deadline": ""}, status=400)
    assert "标题不能为空" in page_text(bad) or "请选择牵头单位" in page_text(bad)
    assert not Case.objects.exists()
    deadline = today() + timedelta(days=12)
    post(office, f"/cases/new/?task={task14.pk}", {
        "source": "lagging_task", "title": "关于加快城镇消防站开工的督办", "lead_unit": get_unit("市消防救援支队").pk,
        "co_units": [get_unit("市红十字会").pk], "deadline": f"{deadline:%Y-%m-%d}"})
    case = Case.objects.get()
    assert (case.title, case.state, case.lead_unit.name, case.deadline) == \
        ("关于加快城镇消防站开工的督办", "assigned", "市消防救援支队", deadline)
    assert [u.name for u in case.co_units.all()] == ["市红十字会"]


def test_the_office_task_page_offers_to_open_a_case_and_the_unit_page_to_raise_a_problem(people, task14):
    office, fire = signed_in(people["office"]), signed_in(people["fire"])
    page = page_text(office.get(f"/tasks/{task14.pk}/"))
    assert "发起督办" in page and f'href="/cases/new/?task={task14.pk}">发起督办</a>' in page
    case = open_case(office, task14)
    page = page_text(office.get(f"/tasks/{task14.pk}/"))
    assert "发起督办</a>" not in page and case.number in page
    page = page_text(fire.get(f"/tasks/{task14.pk}/"))
    assert "反映问题" in page and "申请调整目标" in page and "发起督办</a>" not in page
    on_track = Task.objects.filter(plan=task14.plan).exclude(status__in=["滞后", "严重滞后", "未开始", "逾期"]).first()
    assert "发起督办</a>" not in page_text(office.get(f"/tasks/{on_track.pk}/"))


def test_a_case_from_a_leaders_instruction_on_the_task_page(people, task14):
    office, leader = signed_in(people["office"]), signed_in(people["leader"])
    assert leader.post(f"/tasks/{task14.pk}/comment/", {"kind": "instruction",
                                                        "text": "消防站建设事关群众安全,请督查室跟踪督办"}).status_code == 302
    comment = task14.comments.get(kind="instruction")
    page = page_text(office.get(f"/tasks/{task14.pk}/"))
    assert "据此立项督办" in page and f"/cases/new/?comment={comment.pk}" in page
    form = page_text(office.get(f"/cases/new/?comment={comment.pk}"))
    assert "落实领导批示" in form and "请督查室跟踪督办" in form
    post(office, f"/cases/new/?comment={comment.pk}", {"source": "leader_instruction",
                                                        "title": "落实领导批示:消防站建设", "reason": ""})
    case = Case.objects.get()
    assert (case.instruction_comment, case.instructed_by, case.task) == (comment, people["leader"], task14)
    assert "据此立项督办" not in page_text(office.get(f"/tasks/{task14.pk}/"))
