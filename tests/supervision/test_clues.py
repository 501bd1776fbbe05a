"""群众线索 on task 14 from the public portal: the form token's timing, the rate limit per address
(the address itself never stored), the content check, and the public tracking code."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing

from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.people.roles import Forbidden
from duban.supervision.models import Clue, Notification, Problem
from duban.supervision.services import (
    BadToken,
    RateLimited,
    assign_problem,
    check_clue_token,
    clue_form_token,
    clue_status,
    confirm_problem,
    coordinate_problem,
    hash_ip,
    resolve_problem,
    submit_public_clue,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 12, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
IP = "203.0.113.7"
TEXT = "李村附近的消防站工地已经停工一个多月,没有看到施工人员"


def later(**kw) -> datetime:
    return T0 + timedelta(**kw)


# ---------------------------------------------------------------- the form token


def test_the_form_token_refuses_too_fast_too_late_and_tampered():
    token = clue_form_token(T0)
    with pytest.raises(BadToken, match="过快") as fast:
        check_clue_token(token, later(seconds=2))
    assert fast.value.code == "too_fast"
    check_clue_token(token, later(seconds=3))
    check_clue_token(token, later(hours=2))
    with pytest.raises(BadToken, match="过期") as late:
        check_clue_token(token, later(hours=2, seconds=1))
    assert late.value.code == "expired"
    for bad in ("", "nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                signing.dumps({"t": T0.timestamp()}, salt="another-form")):
        with pytest.raises(BadToken) as refused:
            check_clue_token(bad, later(seconds=10))
        assert refused.value.code == "invalid_token"
    assert clue_form_token(T0) != clue_form_token(T0)  # a nonce in each


def test_a_naive_time_is_read_in_the_installations_zone():
    token = clue_form_token(T0.replace(tzinfo=None))
    check_clue_token(token, later(seconds=5))

# ---------------------------------------------------------------- submitting


def test_a_clue_opens_a_public_problem_and_stores_no_address(people, task14):
    clue = submit_public_clue(task14, TEXT, "13800000000", ip=IP, now=T0)
    problem = clue.problem
    assert (problem.source, problem.state, problem.task, problem.raised_by) == ("public", "found", task14, None)
    assert problem.found_on == T0.date() and problem.text == TEXT
    assert clue.ip_hash == hash_ip(IP) and len(clue.ip_hash) == 64 and clue.ip_hash != hash_ip("203.0.113.8")
    stored = Clue.objects.filter(pk=clue.pk).values().get()
    assert not any(IP in str(v) for v in stored.values())
    assert not any(IP in str(a.after) + a.summary for a in AuditEntry.objects.all())
    assert AuditEntry.objects.filter(action="problem.raise", actor_name="群众线索").count() == 1
    assert Notification.objects.filter(user=people["office"], kind="clue").exists()


def test_three_an_hour_and_ten_a_day_per_address(task14):
    for minutes in (0, 10, 20):
        submit_public_clue(task14, TEXT, ip=IP, now=later(minutes=minutes))
    with pytest.raises(RateLimited, match="每小时最多3条") as limited:
        submit_public_clue(task14, TEXT, ip=IP, now=later(minutes=30))
    assert limited.value.code == "rate_limited"
    submit_public_clue(task14, TEXT, ip="198.51.100.1", now=later(minutes=30))  # another address is not held up
    submit_public_clue(task14, TEXT, ip=IP, now=later(minutes=61))  # the first has left the hour
    # 25 minutes apart never makes 3 in one hour; the 11th within a day is refused
    for i in range(6):
        submit_public_clue(task14, TEXT, ip=IP, now=later(minutes=100 + 25 * i))
    assert Clue.objects.filter(ip_hash=hash_ip(IP)).count() == 10
    with pytest.raises(RateLimited, match="今日提交已达上限"):
        submit_public_clue(task14, TEXT, ip=IP, now=later(hours=8))
    submit_public_clue(task14, TEXT, ip=IP, now=later(hours=24, minutes=1))  # a day after the first
    assert Problem.objects.filter(source="public").count() == 12


@pytest.mark.parametrize("text, contact, message", [
    ("", "", "请填写"),
    ("消" * 1001, "", "1000字"),
    ("http://casino.example.com http://casino.example.com/win", "", "网址链接"),
    (TEXT, "1" * 101, "联系方式"),
])
def test_bad_clues_are_refused_and_nothing_is_written(task14, text, contact, message):
    with pytest.raises(DubanError, match=message):
        submit_public_clue(task14, text, contact, ip=IP, now=T0)
    assert not Clue.objects.exists() and not Problem.objects.exists()

# ---------------------------------------------------------------- following it


def test_the_tracking_code_shows_the_public_status_only(people, task14):
    clue = submit_public_clue(task14, TEXT, "13800000000", ip=IP, now=T0)
    status = clue_status(clue.code)
    assert (status.code, status.state, status.finished, status.submitted_on) == (clue.code, "已受理", False, T0.date())
    assert status.task.startswith("第14项")

    office, fire = people["office"], people["fire"]
    problem = clue.problem
    assign_problem(office, problem, fire, today=later(days=1).date(), note="内部:请消防支队核实张某某反映情况")
    coordinate_problem(fire, problem, "内部:已与施工方沟通", today=later(days=3).date())
    resolve_problem(fire, problem, "施工方已复工", today=later(days=5).date())
    status = clue_status(clue.code.lower().replace("-", ""))  # typed loosely
    assert status.state == "已解决待确认"
    assert [s.state for s in status.steps] == ["已受理", "已交办", "协调中", "已解决待确认"]
    shown = repr(status)
    for secret in ("内部", "张某某", "fire", "13800000000", "施工方", IP):
        assert secret not in shown

    with pytest.raises(Forbidden, match="督查室确认"):
        confirm_problem(fire, problem, today=later(days=6).date())  # a public clue's problem: the office confirms
    assert status.answer == ""  # the unit's resolution is not public before the office accepts it
    confirm_problem(office, problem, today=later(days=6).date())
    status = clue_status(clue.code)
    assert status.finished and status.state == "已确认办结"
    assert status.answer == "施工方已复工"  # the answer the citizen was given, once closed
    assert "内部" not in repr(status) and "13800000000" not in repr(status)


def test_a_dismissed_clue_tells_the_citizen_why(people, task14):
    from duban.supervision.services import dismiss_problem

    clue = submit_public_clue(task14, TEXT, "", ip=IP, now=T0)
    dismiss_problem(people["office"], clue.problem, "该工地不属于本任务,已转区住建局处理", today=later(days=1).date())
    status = clue_status(clue.code)
    assert status.finished and status.answer == "该工地不属于本任务,已转区住建局处理"


@pytest.mark.parametrize("code", ["", "XXXX", "2345-6789-ABCD"])
def test_an_unknown_code_is_not_found(task14, code):
    with pytest.raises(DubanError, match="未找到") as missing:
        clue_status(code)
    assert missing.value.code == "not_found"
