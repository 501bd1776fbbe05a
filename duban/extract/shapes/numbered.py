"""Numbered tasks under section headings, with unit brackets, unit lines and progress paragraphs.

    一、实施创新驱动发展战略
    (一)产业提升行动。围绕…,实施如下重点项目:          ← a sub-heading; its introduction is no task
    1.建设崂山实验室。实施…。(牵头单位:市科技局,参与单位:青岛蓝谷管理局)
    第1件:实现城镇新增就业35万人以上…。(责任单位:市人力资源社会保障局)
    进展情况:截至11月底,全市城镇新增就业36.61万人,占年计划基数(35万人)的104.6%。

Only the sequence tells a task number from a figure: `3.5G基站` is task 3 when 3 is due, and a
missed number resynchronises on the next plausible one instead of gluing the rest onto one task.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from duban.extract.document import Line
from duban.extract.labels import PERSON_FIELD, PROGRESS, UNIT_FIELD, last_unit_bracket
from duban.extract.normalize import close_spaces
from duban.extract.plan import Finding
from duban.extract.shapes.assemble import ProgressDraft, TaskDraft, task_number
from duban.extract.shapes.fields import split_fields
from duban.extract.units import Units, parse_roles, strip_convention, trailing_bracket

_CN = "一二三四五六七八九十"
# Numbering styles with their outline level (a smaller level is a higher heading).
_STYLES = {
    "item": re.compile(rf"^\s*第\s*(\d{{1,3}}|[{_CN}百]{{1,4}})\s*[件项条个]\s*[::、.,]?\s*"),
    "dot": re.compile(r"^\s*(\d{1,3})\s*[.、．。](?![.\d]*%)\s*"),
    "paren": re.compile(r"^\s*[(（]\s*(\d{1,3})\s*[)）]\s*"),
    "cn_paren": re.compile(rf"^\s*[(（]\s*([{_CN}]{{1,3}})\s*[)）]\s*"),
    "cn_dot": re.compile(rf"^\s*([{_CN}]{{1,3}})\s*、\s*"),  # 一、新建…: tasks numbered like headings
}
_LEVEL = {"cn_dot": 0, "cn_paren": 1, "item": 2, "dot": 2, "paren": 3}
_HEADINGS = {
    "cn_dot": re.compile(rf"^\s*(?:[{_CN}]{{1,3}}\s*、|第[{_CN}]{{1,3}}(?:部分|章|篇))\s*\S"),
    "cn_paren": _STYLES["cn_paren"],
}
_SCHEDULE = re.compile(r"^(?:时间节点|完成时限|进度安排|实施计划|时间安排|工作进度安排)\s*[::]")
_TERMINAL = "。;;!?!?"
_INLINE_ROLES = re.compile(r"(?<=[。;;])\s*(?=(?:牵头单位|责任单位|牵头部门|责任部门|主责单位)\s*[::])")
# A heading sentence followed by an introduction: (一)产业提升人才行动计划。围绕…,实施如下重点项目:
_HEADING_SENTENCE = re.compile(r"^(.{2,40}?)。")
# A flag after a project's name: (票决项目), (人大票决项目), (续建).
_FLAG = re.compile(r"\((?:[^()]{0,8}票决[^()]{0,4}|[^()]{0,6}(?:重点|新增|续建)项目|续建|新建)\)")
_NAME_END_BAD = set("的和与及、,,及或在对为把将")


@dataclass(slots=True)
class _Part:
    kind: str  # content, progress, schedule, units, person, tail
    text: str
    where: str = ""


def prepare_lines(lines: list[Line], *, wrapped: bool = False) -> list[Line]:
    """A whole list in one run-on paragraph becomes one line per task and per labelled field.
    With `wrapped` (a PDF's lines are its printed lines), a full line goes on in the next one."""
    if wrapped:
        lines = join_wrapped(lines)
    out: list[Line] = []
    for line in lines:
        pieces = split_run_on(line.text)
        for piece in pieces:
            fields = split_fields(piece)
            # a piece of a run-on list, or a line of three fields or more (责任领导:… 牵头单位:… 配合单位:…)
            for field in fields if len(pieces) > 1 or len(fields) >= 3 else [piece]:
                out.append(Line(field, line.where))
    return out


_RUN_ON_MARK = re.compile(r"(?=\d)(?:^|(?<=\s)|(?<=。))(\d{1,3})\s*[.、．](?![.\d]*%)")  # (?=\d): a fast scan
_NUMBER_MARK = re.compile(r"\d\s*[.、．]")  # what every run-on mark contains (opens with a digit: a fast scan)


def join_wrapped(lines: list[Line]) -> list[Line]:
    """Printed lines → paragraphs: a line as long as the page's longest goes on in the next line
    (a line ends early only where its paragraph ends)."""
    if not lines:
        return lines
    widths = sorted(_printed_width(line.text) for line in lines)
    width = widths[int(0.8 * (len(widths) - 1))]  # the page's measure, not an outlier's
    out: list[Line] = []
    carry = False
    for line in lines:
        text = line.text.rstrip()
        if carry and out:
            out[-1] = Line(out[-1].text + text.lstrip(), out[-1].where)
        else:
            out.append(Line(text, line.where))
        carry = width >= 30 and _printed_width(text) >= 0.93 * width and text[-1:] not in "。;;::!?)"
    return out


def _printed_width(text: str) -> float:
    """A line's printed width in Chinese characters (Latin letters, digits and ASCII marks are half)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text.rstrip())


def split_run_on(text: str) -> list[str]:
    """`1.新建… 分管领导:… 2.改造…` → one piece per task: split before ` N.` where N continues the list."""
    if len(text) < 60 or not _NUMBER_MARK.search(text):  # no `N.` anywhere: nothing to split
        return [text]
    cuts, expected = [], None
    for m in _RUN_ON_MARK.finditer(text):
        n = int(m.group(1))
        if expected is None or n in (expected, expected + 1):
            cuts.append(m.start())
            expected = n + 1
    if len(cuts) < 2:
        return [text]
    bounds = ([0] if cuts[0] > 0 else []) + cuts + [len(text)]
    return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]


def choose_style(lines: list[Line]) -> str | None:
    """The numbering style whose numbers best run 1, 2, 3 … through the document."""
    best, best_score = None, 0
    for name, pattern in _STYLES.items():
        expected, score = None, 0
        for line in lines:
            m = pattern.match(line.text)
            if not m:
                continue
            n = task_number(m.group(1))
            if n is None:
                continue
            if expected is None or int(n) in (expected, expected + 1, expected + 2) or (n == "1" and score):
                score += 1 if expected is None or int(n) == expected or n == "1" else 0
                expected = int(n) + 1
        if name == "cn_dot":  # 一、 numbers headings far more often than tasks: it must clearly win
            score = int(score / 1.5)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 1 else None


def section_heading(text: str, style: str) -> str | None:
    """The section a heading line opens, or None: a line marked at a higher outline level than the
    tasks (`一、…` above `1.`), short, or a heading sentence introducing the tasks under it."""
    level = _LEVEL[style]
    marked = any(_LEVEL[k] < level and p.match(text) for k, p in _HEADINGS.items())
    if not marked:
        return None
    text = close_spaces(text)
    if len(text) <= 60 and not re.search(r"[。;]", text.rstrip("。")):
        return text
    head = _HEADING_SENTENCE.match(text)
    if head and re.search(r"[::]$|如下|以下", text):
        return head.group(1)
    return None


def drafts(lines: list[Line], style: str, findings: list[Finding] | None = None) -> list[TaskDraft]:
    pattern = _STYLES[style]
    out: list[TaskDraft] = []
    parts: list[_Part] = []
    section: str | None = None
    expected: int | None = None
    section_changed, in_intro = False, False
    current: TaskDraft | None = None
    convention = _Convention()
    findings = findings if findings is not None else []

    def finish():
        if current is not None:
            _settle(current, parts, convention)
            out.append(current)

    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        m = pattern.match(text)
        number = task_number(m.group(1)) if m else None
        if m is not None and number is not None and _continues(int(number), expected, section_changed, current):
            if expected is not None and int(number) != expected and not (number == "1" and section_changed):
                findings.append(Finding("numbering", f"编号不连续:应为第{expected}项,文档印的是第{number}项",
                                        number, line.where))
            elif expected is not None and number == "1" and int(number) != expected:
                findings.append(Finding("numbering", "编号在新的部分重新从1开始", number, line.where))
            finish()
            current, parts = TaskDraft(number=number, where=line.where, content="", section=section), []
            parts.append(_Part("content", text[m.end():], line.where))
            expected, section_changed, in_intro = int(number) + 1, False, False
            continue
        heading = section_heading(text, style)
        if heading is not None:
            finish()
            current, parts = None, []
            section, section_changed, in_intro = heading, True, heading != close_spaces(text)
            continue
        if current is None:
            if section is not None and not in_intro and re.fullmatch(r"\([^()]{1,12}\)", close_spaces(text)):
                section += close_spaces(text)  # 一、城建综合治理类 / (11件): the count line of a heading
            continue
        _take_line(text, parts, line.where)
    finish()
    return out


def _continues(n: int, expected: int | None, section_changed: bool, current: TaskDraft | None) -> bool:
    """Whether number `n` opens the next task: the number due, one or two beyond it (a missed or
    misprinted number), or 1 after a new section; any number opens the first task."""
    if expected is None:
        return True
    return n in (expected, expected + 1, expected + 2) or (n == 1 and (section_changed or current is None))


def _take_line(text: str, parts: list[_Part], where: str) -> None:
    last = parts[-1]
    if PROGRESS.match(text):
        parts.append(_Part("progress", text, where))
    elif _SCHEDULE.match(text):
        parts.append(_Part("schedule", _SCHEDULE.sub("", text), where))
    elif UNIT_FIELD.match(text):
        parts.append(_Part("units", text, where))
    elif PERSON_FIELD.match(text):
        parts.append(_Part("person", text, where))  # a person is no unit: dropped
    elif last.kind == "units" and last.text.rstrip().endswith(("、", ",")):
        last.text += text  # a list of units broken after a separator
    elif last.kind in ("units", "person") and last.where == where:
        parts.append(_Part("tail", text, where))  # unlabelled text after inline fields (a district table)
    elif len(parts) == 1 and _is_name_line(last.text, text):
        parts.append(_Part("content", text, where))  # 1.某某建设项目 / 建设…。: the name, then the description
    elif not _ends_clause(last.text):
        last.text += text  # a line broken in the middle of a sentence
    elif len(text) >= 20 and re.search(r"[,,。;]", text):
        last.text += text  # another paragraph of the same part
    # anything else after a finished sentence is page chrome (我要评论, 扫一扫…): left out


def _is_name_line(name: str, following: str) -> bool:
    """A project's name on its own line (no punctuation, short), then its description."""
    name = _FLAG.sub("", close_spaces(name))
    if not 4 <= len(name) <= 40 or re.search(r"[,,。;;:!?、]", name) or name[-1] in _NAME_END_BAD:
        return False
    return len(close_spaces(following)) >= 10 and not UNIT_FIELD.match(following)


def _ends_clause(text: str) -> bool:
    text = text.rstrip()
    if not text or text[-1] in _TERMINAL:
        return True
    span = trailing_bracket(text)
    return span is not None and parse_roles(text[span[0] + 1:span[1] - 1]) is not None


@dataclass(slots=True)
class _Convention:
    """A lead convention stated once (`列第一位的为牵头单位,下同`) holds for the tasks that follow."""

    first_leads: bool = False


def _settle(draft: TaskDraft, parts: list[_Part], convention: _Convention) -> None:
    """Split the gathered text into title, content, unit bracket, progress and schedule."""
    content_parts = [p for p in parts if p.kind == "content"]
    if len(content_parts) == 2:  # a name line and its description
        draft.title = _FLAG.sub("", close_spaces(content_parts[0].text)).strip() or None
        content_text = content_parts[1].text
    else:
        content_text = content_parts[0].text
        flagged = _FLAG.search(content_text)
        if flagged and 4 <= flagged.start() <= 40 and not re.search(r"[,,。;;:]", content_text[:flagged.start()]) \
                and flagged.end() < len(content_text.rstrip()):
            draft.title = close_spaces(content_text[:flagged.start()])  # name(票决项目)description, on one line
            content_text = content_text[flagged.end():]
    # Every field label ends in a colon: a text without one is not scanned for labels.
    m = PROGRESS.search(content_text) if ":" in content_text else None
    if m:  # 进展情况 in the same paragraph as the task
        parts.insert(parts.index(content_parts[-1]) + 1, _Part("progress", content_text[m.start():], ""))
        content_text = content_text[:m.start()]
    units = Units()
    span = trailing_bracket(content_text)
    found = _roles(content_text[span[0] + 1:span[1] - 1], convention) if span else None
    if found is None:  # a labelled bracket elsewhere in the text: (责任单位:…)
        labelled = last_unit_bracket(content_text)
        span = labelled.span() if labelled else None
        found = _roles(labelled.group(1), convention) if labelled else None
    if found is None:  # …以上。牵头单位:市发改委;责任单位:各区县政府。 — the fields after the text
        inline = _INLINE_ROLES.search(content_text) if ":" in content_text else None
        if inline is not None:
            found = _roles(content_text[inline.start():], convention)
            span = (inline.start(), len(content_text))
    if found is not None and span is not None:
        units.add(found.leads, found.co)
        content_text = content_text[:span[0]] + content_text[span[1]:]
    has_progress = any(p.kind == "progress" for p in parts)
    for part in parts:
        if part.kind == "progress":
            draft.progress.append(ProgressDraft(part.text))
        elif part.kind == "tail" and not has_progress:
            draft.progress.append(ProgressDraft(part.text))
        elif part.kind == "schedule":
            draft.schedule += ("\n" if draft.schedule else "") + part.text
        elif part.kind == "units":
            found = _roles(part.text, convention)
            if found is not None:
                units.add(found.leads, found.co)
    draft.units = units.settle()
    draft.content = content_text.strip()


def _roles(text: str, convention: _Convention) -> Units | None:
    text, note = strip_convention(text)
    first = convention.first_leads or note is not None
    if note is not None and "下同" in note:
        convention.first_leads = True
    return parse_roles(text, first_leads=first)
