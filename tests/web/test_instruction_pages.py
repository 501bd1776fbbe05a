"""领导批示 and the unit's workspace through the pages, on the 2024 progress (seed 002): a leader writes
a 批示 on task 14; the office finds it on the dashboard and in 待落实批示, opens and assigns a case in
one step; the leader sees the case on the task page and in 我的批示; the unit's workspace lists the
case with its deadline."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from duban.supervision.models import Case
from tests.web.supervision_fixtures import *

pytestmark = pytest.mark.django_db

TEXT = "消防站建设严重滞后,请督查室跟踪督办"


def test_an_instruction_from_the_task_page_to_an_assigned_case(people, task14):
    leader, office, fire = (signed_in(people[k]) for k in ("leader", "office", "fire"))
    # the office may only comment: the 批示 choice is the leaders'
    assert 'value="instruction"' not in page_text(office.get(f"/tasks/{task14.pk}/"))
    assert office.post(f"/tasks/{task14.pk}/comment/", {"kind": "instruction", "text": "x"}).status_code == 403
    assert 'value="instruction"' in page_text(leader.get(f"/tasks/{task14.pk}/"))
    leader.post(f"/tasks/{task14.pk}/comment/", {"kind": "instruction", "text": TEXT})

    board = page_text(office.get("/dashboard/"))
    assert "待落实批示" in board and TEXT[:20] in board
    listing = page_text(office.get("/instructions/"))
    comment = task14.comments.get(kind="instruction")
    assert f'action="/instructions/{comment.pk}/case/"' in listing
    # the lead unit offered is the task's lead (市消防救援支队), not the first unit of the list
    assert re.search(r'<option value="\d+" selected>市消防救援支队</option>', listing)

    deadline = timezone.localdate() + timedelta(days=10)
    from duban.ledger.units import get_unit
    response = office.post(f"/instructions/{comment.pk}/case/", {
        "title": "落实领导批示:加快消防站建设", "lead_unit": get_unit("市消防救援支队").pk,
        "deadline": f"{deadline:%Y-%m-%d}"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.path()
    assert case.state == "assigned" and case.deadline == deadline
    assert "没有待落实的领导批示" in page_text(office.get("/instructions/"))

    task_page = page_text(leader.get(f"/tasks/{task14.pk}/"))
    assert f"督办件{case.number}" in task_page and "已立项督办" in task_page
    mine = page_text(leader.get("/instructions/"))
    assert f"督办件{case.number}" in mine and TEXT in mine
    work = page_text(fire.get("/unit/"))
    assert "本单位督办件(1)" in work and case.number in work and f"{deadline:%Y-%m-%d}" in work
    assert fire.get("/instructions/").status_code == 403


def test_the_office_records_how_an_instruction_was_handled(people, task14):
    leader, office = signed_in(people["leader"]), signed_in(people["office"])
    leader.post(f"/tasks/{task14.pk}/comment/", {"kind": "instruction", "text": TEXT})
    comment = task14.comments.get(kind="instruction")
    empty = office.post(f"/instructions/{comment.pk}/handle/", {"note": " "})
    assert empty.status_code == 400 and "落实情况" in page_text(empty)
    office.post(f"/instructions/{comment.pk}/handle/", {"note": "已在12月专题会上部署"})
    assert "已在12月专题会上部署" in page_text(leader.get(f"/tasks/{task14.pk}/"))
    assert "已落实" in page_text(leader.get("/instructions/"))
