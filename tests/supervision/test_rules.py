"""The supervision's pure rules: no database, no clock — every date is a parameter."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duban.assess import Status
from duban.errors import DubanError
from duban.supervision import rules
from duban.supervision.ics import CalendarEvent, escape_text, fold, render_calendar, unfold
from duban.supervision.rules import (
    Level,
    ProblemFacts,
    SupervisionPolicy,
    case_actions,
    case_step,
    clue_text_problems,
    lift,
    new_tracking_code,
    normalize_tracking_code,
    pressure,
    problem_step,
    urgency,
)


@dataclass
class C:  # what urgency needs of a case
    state: str
    deadline: date | None


DEADLINE = date(2024, 12, 10)

# ---------------------------------------------------------------- the case flow


def test_the_case_flow_and_its_refusals():
    state = "opened"
    for action in ("assign", "acknowledge", "start", "feedback", "return", "feedback", "accept", "close"):
        state = case_step(state, action)
    assert state == "closed"
    with pytest.raises(DubanError, match="当前为“立项”,不能签收") as refused:
        case_step("opened", "acknowledge")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(DubanError) as unknown:
        case_step("opened", "teleport")
    assert unknown.value.code == "invalid"
    assert case_actions("feedback") == ["accept", "return"]
    assert case_actions("closed") == []
    assert case_step("assigned", "assign") == "assigned"  # a corrected 交办 before 签收


def test_the_problem_flow():
    state = "found"
    for action in ("assign", "coordinate", "resolve", "reopen", "coordinate", "resolve", "confirm"):
        state = problem_step(state, action)
    assert state == "confirmed"
    with pytest.raises(DubanError) as refused:
        problem_step("found", "resolve")
    assert refused.value.code == "invalid_transition"

# ---------------------------------------------------------------- 催办


@pytest.mark.parametrize("today, level, words", [
    (date(2024, 12, 1), Level.NONE, "还有9天"),
    (date(2024, 12, 6), Level.NONE, "还有4天"),
    (date(2024, 12, 7), Level.YELLOW, "还有3天"),
    (date(2024, 12, 10), Level.YELLOW, "仅剩今天"),
    (date(2024, 12, 11), Level.RED, "已超过反馈期限(12月10日)1天"),
    (date(2025, 1, 10), Level.RED, "31天"),
])
def test_urgency_by_date(today, level, words):
    found = urgency(C("in_progress", DEADLINE), today)
    assert found.level is level and words in found.reason


def test_urgency_follows_the_policy_and_the_state():
    assert urgency(C("assigned", DEADLINE), date(2024, 12, 4), SupervisionPolicy(warn_days=7)).level is Level.YELLOW
    for state in ("opened", "feedback", "accepted", "closed"):  # nothing owed, or not yet assigned
        assert urgency(C(state, DEADLINE), date(2025, 1, 1)).level is Level.NONE
    assert urgency(C("in_progress", None), date(2025, 1, 1)).level is Level.NONE


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


@given(state=st.sampled_from(sorted(rules.CASE_STATES)), deadline=st.one_of(st.none(), days),
       earlier=days, later_by=st.integers(min_value=0, max_value=800), warn=st.integers(min_value=0, max_value=30))
def test_a_later_day_never_lowers_urgency(state, deadline, earlier, later_by, warn):
    case, policy = C(state, deadline), SupervisionPolicy(warn_days=warn)
    later = earlier + timedelta(days=later_by)
    assert urgency(case, later, policy).level.rank >= urgency(case, earlier, policy).level.rank

# ---------------------------------------------------------------- problem pressure

TODAY = date(2024, 11, 30)


def test_an_unresolved_problem_older_than_30_days_presses():
    assert pressure([ProblemFacts(date(2024, 10, 31))], TODAY) is None  # 30 days: not older than 30 yet
    hit = pressure([ProblemFacts(date(2024, 10, 30))], TODAY)  # 31 days
    assert hit.status is Status.BEHIND and "超过30天未解决" in hit.reason and "10月30日" in hit.reason
    assert pressure([ProblemFacts(date(2024, 10, 30), resolved_on=date(2024, 11, 20))], TODAY) is None
    # resolved only later: on 30 November it was still open
    assert pressure([ProblemFacts(date(2024, 10, 30), resolved_on=date(2024, 12, 5))], TODAY) is not None


def test_a_repeated_problem_presses():
    two = [ProblemFacts(date(2024, 9, 5), date(2024, 9, 10)), ProblemFacts(date(2024, 11, 20), date(2024, 11, 25))]
    hit = pressure(two, TODAY)
    assert hit.status is Status.BEHIND and "90天内反映问题2次" in hit.reason
    spread = [ProblemFacts(date(2024, 8, 1), date(2024, 8, 2)), ProblemFacts(date(2024, 11, 20), date(2024, 11, 25))]
    assert pressure(spread, TODAY) is None  # the first is more than 90 days back
    assert pressure([ProblemFacts(date(2024, 12, 1))] * 3, TODAY) is None  # not found yet on that day


def test_lift_only_raises():
    hit = pressure([ProblemFacts(date(2024, 1, 1))], TODAY)
    assert lift(Status.ON_TRACK, hit) is Status.BEHIND
    assert lift(Status.NO_DATA, hit) is Status.BEHIND
    assert lift(Status.SERIOUSLY_BEHIND, hit) is Status.SERIOUSLY_BEHIND
    assert lift(Status.ON_TRACK, None) is Status.ON_TRACK

# ---------------------------------------------------------------- public clues


@pytest.mark.parametrize("text, problem", [
    ("", "请填写"),
    ("   \n ", "请填写"),
    ("消" * 1001, "不能超过1000字"),
    ("http://cheap.example.com/a http://cheap.example.com/b 点击", "网址链接为主"),
    ("www.spam.cn", "网址链接为主"),
    ("看这里 a.com b.com c.com d.com 消防站问题", "网址链接为主"),
])
def test_clue_text_is_refused(text, problem):
    assert any(problem in p for p in clue_text_problems(text))


@pytest.mark.parametrize("text", [
    "李村消防站工地停工两个月了,至今没有复工",
    "消防站没开工,现场照片见 http://pan.example.com/s/abc",
    "消" * 1000,
])
def test_clue_text_is_accepted(text):
    assert clue_text_problems(text) == []


def test_tracking_codes_are_read_back_loosely():
    code = new_tracking_code()
    assert len(code) == 14 and code.count("-") == 2
    assert normalize_tracking_code(code.lower().replace("-", " ")) == code
    assert normalize_tracking_code("O000-1111-IIII") is None  # letters the codes never use
    assert normalize_tracking_code("") is None
    assert len({new_tracking_code() for _ in range(200)}) == 200

# ---------------------------------------------------------------- iCalendar


def test_fold_keeps_lines_within_75_octets_and_never_splits_a_character():
    line = "DESCRIPTION:" + "督办件2024-001“关于第14项开工建设城镇消防站严重滞后的督办”反馈期限;" * 5
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
    assert fold("SUMMARY:short") == "SUMMARY:short"


def test_escaping_text_values():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_a_calendar_is_well_formed():
    events = [CalendarEvent("b@duban", date(2024, 12, 10), "[督办反馈] 2024-001 消防站", "第一行\n第二行;含分号"),
              CalendarEvent("a@duban", date(2024, 12, 25), "[进展报送] 12月进展", "")]
    text = render_calendar("市消防救援支队 督办提醒", events, date(2024, 12, 2))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20241210" in lines and "DTEND;VALUE=DATE:20241211" in lines
    assert "DTSTAMP:20241202T000000Z" in lines
    assert "DESCRIPTION:第一行\\n第二行\\;含分号" in lines
    assert lines.index("UID:b@duban") < lines.index("UID:a@duban")  # by date
