"""群众线索 on the public portal (no login), on task 14 of the 2024 progress: the form's honeypot and
timing token, the limit per address answered with 429 in Chinese, the tracking code and the public
status page — which shows states and dates, never the sender's contact or the office's notes."""
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from duban.supervision.models import Clue, Problem
from duban.supervision.services import clue_form_token
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db

TEXT = "李村附近的消防站工地已经停工一个多月,没有看到施工人员"
IP = "203.0.113.7"


def seasoned_token(seconds=10) -> str:
    """A form token made `seconds` ago: a person who took the time to write."""
    return clue_form_token(timezone.now() - timedelta(seconds=seconds))


def send(client, task, *, token=None, text=TEXT, contact="", ip=IP, **extra):
    data = {"token": seasoned_token() if token is None else token, "text": text, "contact": contact,
            "website": ""} | extra
    return client.post(f"/public/clues/new/?task={task.pk}", data, REMOTE_ADDR=ip)


def test_the_form_has_a_hidden_honeypot_and_a_signed_token(task14):
    page = page_text(Client().get(f"/public/clues/new/?task={task14.pk}"))
    assert "我要反映问题" in page and "消防站" in page
    assert re.search(r'<input type="hidden" name="token" value="[^"]+"', page)
    assert re.search(r'<div class="hp" aria-hidden="true">.*name="website"', page, re.S)
    assert Client().get("/public/clues/new/?task=999999").status_code == 404


def test_a_clue_is_submitted_and_tracked_by_its_code(people, task14):
    public = Client()
    response = send(public, task14, contact="13800000000")
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert response["Location"] == f"/public/clues/{clue.code}/?new=1"
    assert clue.problem.source == "public" and clue.problem.task == task14 and clue.ip_hash != IP

    page = page_text(public.get(response["Location"]))
    assert "提交成功" in page and clue.code in page and "已受理" in page
    assert "13800000000" not in page  # the contact is for the office only

    # the office handles it; the public page follows, without the office's notes
    office = signed_in(people["office"])
    problem = clue.problem
    assert "13800000000" in page_text(office.get(problem.path()))
    office.post(f"/problems/{problem.pk}/assign/", {"coordinator": people["fire"].pk, "note": "内部说明:请核查"})
    page = page_text(public.get(f"/public/clues/{clue.code}/"))
    assert "已交办" in page and "内部说明" not in page and "fire" not in page
    loose = clue.code.replace("-", "").lower()
    assert public.get(f"/public/clues/{loose}/").status_code == 200  # typed loosely
    assert public.get(f"/public/clues/?code={clue.code}").status_code == 302
    assert public.get("/public/clues/ZZZZ-ZZZZ-ZZZZ/").status_code == 404
    assert "办结后将在此公开答复" in page and "答复" in page

    # closed by the office: the answer is shown to the citizen with the status
    office.post(f"/problems/{problem.pk}/dismiss/", {"reason": "该工地属于区级项目,已转区住建局办理"})
    page = page_text(public.get(f"/public/clues/{clue.code}/"))
    assert "不予受理" in page and "该工地属于区级项目,已转区住建局办理" in page


def test_a_filled_honeypot_and_a_too_fast_or_forged_token_are_refused(task14):
    public = Client()
    trapped = send(public, task14, website="http://spam.example")
    assert trapped.status_code == 400 and "未被接受" in page_text(trapped)
    fast = send(public, task14, token=clue_form_token(timezone.now()))
    assert fast.status_code == 400 and "提交过快" in page_text(fast)
    assert TEXT in page_text(fast)  # what was written is kept
    forged = send(public, task14, token="forged")
    assert forged.status_code == 400 and "表单无效" in page_text(forged)
    empty = send(public, task14, text="")
    assert empty.status_code == 400 and "请填写反映的问题" in page_text(empty)
    assert Clue.objects.count() == 0 and Problem.objects.count() == 0


def test_an_address_is_limited_to_three_clues_an_hour(task14):
    public = Client()
    for i in range(3):
        assert send(public, task14, text=f"{TEXT}({i + 1})").status_code == 302
    refused = send(public, task14, text=f"{TEXT}(4)")
    assert refused.status_code == 429 and "提交过于频繁" in page_text(refused)
    assert Clue.objects.count() == 3
    assert send(public, task14, text=f"{TEXT}(另一地址)", ip="198.51.100.2").status_code == 302
