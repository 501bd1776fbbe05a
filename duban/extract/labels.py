"""The labels the genre prints before a field (`牵头单位:`, `分管领导:`, `进展情况:`), in one place: the
numbered lists, the run-on paragraphs and the unit lists all read fields by these.
"""
from __future__ import annotations

import re

# Roles of organisations. The bare words (牵头, 配合) appear only inside a unit bracket.
LEAD_ROLES = ("牵头单位", "牵头部门", "责任单位", "责任部门", "主责单位", "主办单位", "承办单位", "实施单位", "责任主体",
              "牵头", "责任")
CO_ROLES = ("协办单位", "配合单位", "参与单位", "协同单位", "配合部门", "参与部门", "协办部门", "协同部门", "协办", "配合", "参与")
UNIT_LABELS = tuple(r for r in LEAD_ROLES + CO_ROLES if len(r) >= 4)
# People are never units: these fields end a unit field and are dropped.
PERSON_LABELS = ("分管领导", "牵头领导", "责任领导", "分管区领导", "分管市领导", "分管县领导", "项目责任人", "责任人", "联系人",
                 "联系电话", "监督电话", "监督科室")
_PERSON_TITLE = r"分管副\S{1,2}(?:长|主任)"  # 分管副区长, 分管副市长
PROGRESS_LABELS = ("实际完成情况", "进展情况", "推进情况", "完成情况", "工作进展", "进度情况", "落实情况", "目前进展", "实施进展",
                   "推进进度", "工作进度", "实施情况", "执行情况", "进展")
# What a progress cell goes on to say that is no progress: the next steps, the problems.
NEXT_STEP_LABELS = ("下步打算", "下一步打算", "下一步计划", "下一步工作", "存在问题")


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_COLON = r"\s*[::]"
ROLE = re.compile(f"({_alternation(LEAD_ROLES + CO_ROLES)}){_COLON}")
UNIT_FIELD = re.compile(f"^(?:{_alternation(UNIT_LABELS)}){_COLON}\\s*")
PERSON = re.compile(f"(?:{_alternation(PERSON_LABELS)}|{_PERSON_TITLE}){_COLON}")
PERSON_FIELD = re.compile(f"^(?:{_alternation(PERSON_LABELS)}|{_PERSON_TITLE}){_COLON}")
# (?:具体)?(?:labels) spelt as alternatives that each open with a literal, which the engine scans for fast.
PROGRESS = re.compile(f"(?:具体(?:{_alternation(PROGRESS_LABELS)})|{_alternation(PROGRESS_LABELS)}){_COLON}")
PROGRESS_FIELD = re.compile(f"^\\s*(?:具体)?(?:{_alternation(PROGRESS_LABELS)}){_COLON}\\s*")
NEXT_STEPS = re.compile(f"\\s*(?:{_alternation(NEXT_STEP_LABELS)}){_COLON}.*$", re.S)
# Any field label after a gap: where a run-on paragraph is split.
INLINE_FIELD = re.compile(
    f"\\s+(?=(?:{_alternation(PERSON_LABELS + UNIT_LABELS + PROGRESS_LABELS)}|{_PERSON_TITLE}){_COLON})")
# A bracket that names units: (责任单位:市应急局、市城管局), nested brackets allowed.
UNIT_BRACKET = re.compile(r"\((?=[^()]*(?:单位|部门|牵头|责任)\s*[::])([^()]*(?:\([^()]*\)[^()]*)*)\)")


def last_unit_bracket(text: str) -> re.Match | None:
    """The last labelled unit bracket of `text`, or None."""
    found = None
    for found in UNIT_BRACKET.finditer(text):  # noqa: B007 — the loop keeps the last match
        pass
    return found
