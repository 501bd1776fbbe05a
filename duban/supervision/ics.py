"""A small iCalendar (RFC 5545) writer for all-day reminders: pure, no Django, no clock.

Only what a reminders feed needs: one VCALENDAR of VEVENTs, each an all-day event
(DTSTART;VALUE=DATE) with UID, DTSTAMP, SUMMARY and DESCRIPTION. Text is escaped (§3.3.11),
lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character (§3.1).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across feeds, so a calendar updates the event instead of adding another
    day: date
    summary: str
    description: str = ""
    categories: str = ""


def escape_text(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and newlines."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets (the leading space of a continuation
    line counts), never inside a multi-byte character; joined by CRLF, without a final one."""
    parts, current, size, limit = [], [], 0, MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1
        current.append(ch)
        size += n
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def render_calendar(name: str, events: list[CalendarEvent], stamp: date, *,
                    prodid: str = "-//duban//督办提醒//ZH") -> str:
    """The whole calendar as text; `stamp` is the DTSTAMP of every event (the day the feed was made)."""
    dtstamp = f"{stamp:%Y%m%d}T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    for e in sorted(events, key=lambda e: (e.day, e.uid)):
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{dtstamp}", f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{e.day + timedelta(days=1):%Y%m%d}", f"SUMMARY:{escape_text(e.summary)}"]
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        if e.categories:
            lines.append(f"CATEGORIES:{escape_text(e.categories)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def unfold(text: str) -> list[str]:
    """The content lines of a calendar, unfolded (for tests and readers of the feed)."""
    out: list[str] = []
    for raw in text.split(CRLF):
        if raw.startswith((" ", "\t")) and out:
            out[-1] += raw[1:]
        elif raw:
            out.append(raw)
    return out
