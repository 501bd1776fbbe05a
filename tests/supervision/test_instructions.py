"""领导批示 as a workflow on the 2024 progress (seed 002): a leader's 批示 on task 14 (城镇消防站) reaches
the office and the units of the task; the office turns it into a case (立项 and 交办 in one step) or
records how it was handled; the leader is told and sees the outcome. Only leaders write 批示."""
from datetime import date

import pytest

from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.comments import add_comment
from duban.people.roles import Forbidden
from duban.supervision.models import InstructionOutcome, Notification
from duban.supervision.services.instructions import (
    instruction_to_case,
    instructions_by,
    pending_instructions,
    record_handling,
)

pytestmark = pytest.mark.django_db

TODAY = date(2024, 12, 2)
TEXT = "消防站建设严重滞后,请督查室跟踪督办,年底前全部开工"


def test_only_leaders_write_instructions(people, task14):
    for who in ("office", "reviewer", "fire"):
        with pytest.raises(Forbidden):
            add_comment(people[who], task14, TEXT, "instruction")
    add_comment(people["office"], task14, "请消防救援支队倒排工期", "comment")  # the office comments
    assert not pending_instructions().exists()


def test_an_instruction_reaches_the_office_and_the_units_of_the_task(people, task14):
    comment = add_comment(people["leader"], task14, TEXT, "instruction")
    told = set(Notification.objects.filter(kind="instruction").values_list("user__username", flat=True))
    # the two office accounts, and the reporters of 市消防救援支队 and 市红十字会 (task 14's units)
    assert told == {"office", "office2", "fire", "fire2", "redcross"}
    assert list(pending_instructions()) == [comment]


def test_the_office_turns_it_into_an_assigned_case_in_one_step(people, task14):
    comment = add_comment(people["leader"], task14, TEXT, "instruction")
    case = instruction_to_case(people["office"], comment, title="落实领导批示:加快城镇消防站建设",
                               lead_unit="市消防救援支队", deadline=date(2024, 12, 17), today=TODAY)
    assert (case.state, case.source, case.lead_unit.name, case.instructed_by) == \
        ("assigned", "leader_instruction", "市消防救援支队", people["leader"])
    assert case.instruction == TEXT and case.task == task14
    assert comment.outcome.case == case and comment.outcome.way == "case"
    assert not pending_instructions().exists()
    assert Notification.objects.filter(user=people["fire"], kind="assigned").exists()
    done = Notification.objects.get(user=people["leader"], kind="instruction_done")
    assert case.number in done.text and done.link == case.path()
    assert [c.outcome.case for c in instructions_by(people["leader"])] == [case]
    with pytest.raises(DubanError) as again:  # a second case on the same 批示 is refused
        instruction_to_case(people["office"], comment, title="再次", lead_unit="市消防救援支队",
                            deadline=date(2024, 12, 17), today=TODAY)
    assert again.value.code == "conflict"


def test_a_refused_assignment_leaves_no_half_made_case(people, task14):
    comment = add_comment(people["leader"], task14, TEXT, "instruction")
    with pytest.raises(DubanError):  # a deadline before today: nothing is opened either
        instruction_to_case(people["office"], comment, title="落实领导批示", lead_unit="市消防救援支队",
                            deadline=date(2024, 11, 1), today=TODAY)
    assert not InstructionOutcome.objects.exists() and list(pending_instructions()) == [comment]
    from duban.supervision.models import Case
    assert not Case.objects.exists()


def test_the_office_records_how_it_was_handled(people, task14):
    comment = add_comment(people["leader"], task14, TEXT, "instruction")
    with pytest.raises(Forbidden):
        record_handling(people["leader"], comment, "已办", today=TODAY)
    with pytest.raises(DubanError):
        record_handling(people["office"], comment, "  ", today=TODAY)
    outcome = record_handling(people["office"], comment, "已转市消防救援支队,12月5日专题会部署", today=TODAY)
    assert (outcome.way, outcome.handled_by, outcome.handled_on) == ("handled", people["office"], TODAY)
    assert AuditEntry.objects.filter(action="instruction.handle", task=task14).exists()
    assert "12月5日专题会部署" in Notification.objects.get(user=people["leader"], kind="instruction_done").text
    assert not pending_instructions().exists()
