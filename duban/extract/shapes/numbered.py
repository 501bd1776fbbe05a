"""Numbered tasks under section headings, with unit brackets and progress paragraphs.

    一、实施创新驱动发展战略
    1.建设崂山实验室。实施…。(牵头单位:市科技局,参与单位:青岛蓝谷管理局)
    第1件:实现城镇新增就业35万人以上…。(责任单位:市人力资源社会保障局)
    进展情况:截至11月底,全市城镇新增就业36.61万人,占年计划基数(35万人)的104.6%。
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from duban.extract.document import Line
from duban.extract.normalize import close_spaces
from duban.extract.shapes.assemble import TaskDraft, task_number
from duban.extract.units import Units, parse_roles, trailing_bracket

_SECTION = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}(?:部分|章|篇)\s*)\S")
# Numbering styles, most specific first: 第1件 / 1. 1、 / (1) / (一).
_STYLES = {
    "item": re.compile(r"^第\s*(\d{1,3}|[一二三四五六七八九十百]{1,4})\s*[件项条个]\s*[::、.,]?\s*"),
    "dot": re.compile(r"^(\d{1,3})\s*[.、．](?!\d)\s*"),
    "paren": re.compile(r"^[(（](\d{1,3})[)）]\s*"),
    "cn_paren": re.compile(r"^[(（]([一二三四五六七八九十]{1,3})[)）]\s*"),
}
_PROGRESS = re.compile(r"(?:具体)?(?:进展情况|推进情况|完成情况|工作进展|进度情况|落实情况)\s*[::]")
_SCHEDULE = re.compile(r"^(?:时间节点|完成时限|进度安排|实施计划|时间安排|工作进度安排)\s*[::]")
_ROLE_LINE = re.compile(r"^(?:牵头单位|责任单位|牵头部门|责任部门|主责单位)\s*[::]")
_UNIT_BRACKET = re.compile(r"\((?=[^()]*(?:单位|部门|牵头|责任)\s*[::])([^()]*(?:\([^()]*\)[^()]*)*)\)")
_TERMINAL = "。;;!?!?"


@dataclass(slots=True)
class _Part:
    kind: str  # content, progress, schedule, units
    text: str


def choose_style(lines: list[Line]) -> str | None:
    """The numbering style whose numbers best run 1, 2, 3 … through the document."""
    best, best_score = None, 0
    for name, pattern in _STYLES.items():
        expected, score = 1, 0
        for line in lines:
            m = pattern.match(line.text)
            if not m:
                continue
            n = task_number(m.group(1))
            if n == str(expected) or (n == "1" and score):
                expected = int(n) + 1
                score += 1
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 1 else None


def drafts(lines: list[Line], style: str) -> list[TaskDraft]:
    pattern = _STYLES[style]
    out: list[TaskDraft] = []
    parts: list[_Part] = []
    section: str | None = None
    expected, section_changed = 1, False
    current: TaskDraft | None = None

    def finish():
        if current is not None:
            _settle(current, parts)
            out.append(current)

    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        m = pattern.match(text)
        number = task_number(m.group(1)) if m else None
        if m and (number == str(expected) or (number == "1" and current is not None and section_changed)):
            finish()
            current, parts = TaskDraft(number=number, where=line.where, content="", section=section), []
            parts.append(_Part("content", text[m.end():]))
            expected, section_changed = int(number) + 1, False
            continue
        if _SECTION.match(text) and len(text) <= 60 and not text.endswith("。"):
            finish()
            current, parts = None, []
            section, section_changed = close_spaces(text), True
            continue
        if current is None:
            continue
        _take_line(text, parts)
    finish()
    return out


def _take_line(text: str, parts: list[_Part]) -> None:
    last = parts[-1]
    if _PROGRESS.match(text):
        parts.append(_Part("progress", text))
    elif _SCHEDULE.match(text):
        parts.append(_Part("schedule", _SCHEDULE.sub("", text)))
    elif _ROLE_LINE.match(text):
        parts.append(_Part("units", text))
    elif not _ends_clause(last.text):
        last.text += text  # a line broken in the middle of a sentence
    elif len(text) >= 20 and re.search(r"[,,。;]", text):
        last.text += text  # another paragraph of the same part
    # anything else after a finished sentence is page chrome (我要评论, 扫一扫…): left out


def _ends_clause(text: str) -> bool:
    text = text.rstrip()
    if not text or text[-1] in _TERMINAL:
        return True
    span = trailing_bracket(text)
    return span is not None and parse_roles(text[span[0] + 1:span[1] - 1]) is not None


def _settle(draft: TaskDraft, parts: list[_Part]) -> None:
    """Split the gathered text into content, unit bracket, progress and schedule."""
    content_text = parts[0].text
    m = _PROGRESS.search(content_text)
    if m:  # 进展情况 in the same paragraph as the task
        parts.insert(1, _Part("progress", content_text[m.start():]))
        content_text = content_text[:m.start()]
    units = Units()
    span = trailing_bracket(content_text)
    found = parse_roles(content_text[span[0] + 1:span[1] - 1]) if span else None
    if found is None:  # a labelled bracket elsewhere in the text: (责任单位:…)
        labelled = list(_UNIT_BRACKET.finditer(content_text))
        span = labelled[-1].span() if labelled else None
        found = parse_roles(labelled[-1].group(1)) if labelled else None
    if found is not None:
        units.add(found.leads, found.co)
        content_text = content_text[:span[0]] + content_text[span[1]:]
    for part in parts[1:]:
        if part.kind == "progress":
            draft.progress.append((part.text, None))
        elif part.kind == "schedule":
            draft.schedule += ("\n" if draft.schedule else "") + part.text
        elif part.kind == "units":
            found = parse_roles(part.text)
            if found is not None:
                units.add(found.leads, found.co)
    draft.units = units.settle()
    draft.content = content_text.strip()
