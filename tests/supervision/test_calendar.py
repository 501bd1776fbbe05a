"""The reminders feed of 市教育局 on 5 July 2023 (seed 000): its milestones not done, its monthly
report dates and its case's feedback deadline, as an iCalendar checked line by line."""
import re
from datetime import date

import pytest

from duban.ledger.importer import import_file
from duban.ledger.models import Milestone, Plan, Responsibility
from duban.ledger.units import get_unit
from duban.supervision.ics import unfold
from duban.supervision.services import assign_case, open_case, unit_calendar_ics
from duban.supervision.services import calendar as calendar_service
from tests.conftest import seed

pytestmark = pytest.mark.django_db

TODAY = date(2023, 7, 5)


@pytest.fixture
def feed(seeds, people):
    import_file(seed(seeds, "000"))
    edu = get_unit("市教育局")
    case = open_case(people["office"], title="落实领导批示:加快中小学幼儿园项目开工,确保秋季学期按期投用;"
                     "对开工率低于序时进度的区(市)逐一约谈", source="leader_instruction",
                     instruction="请教育局倒排工期", today=TODAY)
    assign_case(people["office"], case, lead_unit=edu, deadline=date(2023, 7, 20), today=TODAY)
    done = Milestone.objects.filter(task__plan__year=2023, task__number="3", due=date(2023, 3, 31)).get()
    Milestone.objects.filter(pk=done.pk).update(done_on=date(2023, 3, 30))
    return edu, case, unit_calendar_ics(edu, TODAY)


def events_of(text: str) -> list[dict[str, str]]:
    """VEVENTs as {property (with its parameters): value}, from the unfolded lines."""
    events, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def test_the_feed_is_well_formed_line_by_line(feed):
    _, _, text = feed
    assert text.endswith("\r\n")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)  # folded at 75 octets
    assert not any("\n" in line or "\r" in line for line in physical)  # CRLF only
    assert any(line.startswith(" ") for line in physical)  # long Chinese lines were folded …
    assert "".join(physical).encode("utf-8").decode("utf-8")  # … and never inside a character
    lines = unfold(text)
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", lines[2]] and lines[2].startswith("PRODID:")
    assert lines[-1] == "END:VCALENDAR" and lines.count("BEGIN:VCALENDAR") == 1
    depth = 0
    for line in lines:  # BEGIN/END nest properly
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        assert depth >= 0
        assert re.match(r"^[A-Z][A-Z0-9-]*(;[A-Z-]+=[^:;]+)*:", line), line  # name[;param=value]:value
    assert depth == 0
    events = events_of(text)
    assert len({e["UID"] for e in events}) == len(events)
    for e in events:
        assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY", "DESCRIPTION"} <= set(e), e
        assert e["DTSTAMP"] == "20230705T000000Z"
        assert re.fullmatch(r"\d{8}", e["DTSTART;VALUE=DATE"])


def test_the_feed_holds_the_units_dates(feed):
    edu, case, text = feed
    events = events_of(text)
    by_kind = {}
    for e in events:
        by_kind.setdefault(e["SUMMARY"].split("]")[0] + "]", []).append(e)
    involved = Responsibility.objects.filter(unit=edu, task__plan=Plan.objects.get(year=2023)).values("task")
    open_milestones = Milestone.objects.filter(task__in=involved, done_on__isnull=True, due__isnull=False)
    assert len(by_kind["[时间节点]"]) == open_milestones.count() > 0
    assert "20230331" not in {e["DTSTART;VALUE=DATE"] for e in by_kind["[时间节点]"]
                              if "第3项" in e["SUMMARY"]}  # done: left out
    assert any("第6项" in e["SUMMARY"] for e in by_kind["[时间节点]"])  # co-operating tasks too
    assert [e["DTSTART;VALUE=DATE"] for e in by_kind["[进展报送]"]] == [f"2023{m:02d}25" for m in range(7, 13)]
    (fed,) = by_kind["[督办反馈]"]
    assert fed["DTSTART;VALUE=DATE"] == "20230720" and fed["UID"] == f"case-{case.pk}@duban"
    assert case.number in fed["SUMMARY"] and "\\;" in fed["SUMMARY"]  # the title's ; is escaped


def test_a_unit_without_anything_gets_an_empty_calendar(people):
    text = unit_calendar_ics(get_unit("市消防救援支队"), date(2023, 1, 5))  # its 2024 task has no milestones
    assert unfold(text)[-1] == "END:VCALENDAR" and "BEGIN:VEVENT" not in text


def test_a_busy_units_feed_lists_the_earliest_steps_and_counts_the_rest(feed):
    edu, _, _ = feed
    everything = calendar_service.milestone_events(edu, TODAY)
    assert len(everything) > 4 and not any("另有" in e.summary for e in everything)
    listed = calendar_service.milestone_events(edu, TODAY, limit=3)
    assert [e.day for e in everything] == sorted(e.day for e in everything)
    assert listed[:3] == everything[:3]  # the earliest three, as the full feed lists them
    more = listed[3]
    assert len(listed) == 4 and more.day == listed[2].day
    assert more.summary == f"[时间节点] 另有{len(everything) - 3}个节点未列入提醒"
    assert f"共{len(everything)}个" in more.description and "最早到期的3个" in more.description
    leads = {e.uid for e in everything if "(牵头)" in e.description}
    helps = {e.uid for e in everything if "(协办)" in e.description}
    assert leads and helps and not leads & helps  # each step says the unit's role on its task
