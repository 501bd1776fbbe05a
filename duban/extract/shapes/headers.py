"""Column headers of the genre's tables: which kind of column a header names.

The longest header word found decides; a status column (`进展状态`, `是否达序`) is never progress, a
person column (分管领导, 分管副区长, 责任人) is dropped, a period-target column (`一季度目标`) gives a
milestone. A character lost to a crude script conversion (`项目?容`) matches any character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from duban.extract.labels import NEXT_STEP_LABELS, PERSON_LABELS
from duban.extract.normalize import close_spaces

HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "序"),
    "title": ("攻坚事项", "事项名称", "项目名称", "任务名称", "重点事项", "实事项目", "事项", "名称"),
    "content": ("实施内容", "主要任务", "攻坚任务", "民生实事", "重点任务", "工作任务", "任务内容", "工作内容",
                "目标任务", "具体任务", "建设内容", "主要内容", "项目内容", "工作目标", "主要工作任务", "任务", "内容",
                "实事", "项目"),
    "domain": ("领域", "类别", "分类", "板块"),
    "lead": ("牵头单位", "牵头部门", "主责单位", "牵头责任单位", "牵头"),
    "co": ("协办单位", "配合单位", "参与单位", "协同单位", "配合部门", "参与部门", "协办部门", "协同部门", "协办", "配合"),
    "resp": ("责任单位", "责任部门", "责任主体", "实施单位", "承办单位"),
    "schedule": ("实施计划", "实施进度计划", "完成时限", "工作进度安排", "进度安排", "时间节点", "计划进度", "完成时间",
                 "进度计划", "时限要求", "时间安排", "推进计划"),
    "progress": ("进展情况", "推进情况", "完成情况", "工作进展", "落实情况", "进度情况", "进展", "实施情况", "执行情况",
                 "目前实施情况", "年度完成情况", "完成进度", "推进落实情况"),
    "on_track": ("是否达序", "是否达到序时进度", "是否序时", "是否达到", "进展状态", "推进状态", "完成状态", "进度状态",
                 "完成成效", "是否完成", "序时进度"),
    "note": ("备注", "说明", "滞后原因", "原因说明", "情况说明"),
    "percent": ("完成率", "占全年计划", "占年计划", "完成比例", "占年度计划", "完成百分比", "占全年目标"),
    "done": ("完成数", "实际完成数", "完成值", "累计完成数", "完成量"),
    "person": PERSON_LABELS + ("领导",),  # dropped, as a person field is (联系电话 and 监督科室 too)
    "ignore": NEXT_STEP_LABELS + ("问题", "计划投资", "总投资"),
}
_PERSON_RE = re.compile(r"分管副\S{1,2}长|副\S{1,2}长")
_PERIOD_TARGET = re.compile(r"^(?:第?[一二三四1-4]季度|上半年|下半年|前三季度|(?:1[-—~至])?\d{1,2}月(?:底|末|份)?)(?:目标|计划|任务)")
_BRACKET = re.compile(r"\(([^)]*)\)")
_BOLD_NOTE = re.compile(r"加粗|加黑|黑体|粗体")
_FIRST_NOTE = re.compile(r"排名第一|排在首位|第一个|首位|排第一|列第一|第一位")
# Kinds that never take a header from a more specific kind found in the same text.
_WEAK = ("ignore",)


@dataclass(slots=True)
class Column:
    kind: str
    index: int
    header: str
    bold_leads: bool = False
    first_leads: bool = False


def _contains(bare: str, word: str) -> bool:
    if word in bare:
        return True
    if "?" not in bare or len(word) < 3:
        return False
    # One garbled character (a run of ?, the remnant of a lost character) stands for any one character.
    b = re.sub(r"\?+", "?", bare)
    for i in range(len(b) - len(word) + 1):
        window = b[i:i + len(word)]
        if window.count("?") == 1 and all(c in ("?", w) for c, w in zip(window, word)):
            return True
    return False


def classify_header(text: str) -> Column | None:
    kind = _classify(text)
    return None if kind is None else Column(*kind)


@lru_cache(maxsize=4096)
def _classify(text: str) -> tuple | None:
    """(kind, index, header, bold_leads, first_leads) of a header text: cached, headers repeat."""
    raw = close_spaces(text.replace("\n", ""))
    notes = " ".join(_BRACKET.findall(raw))
    bare = _BRACKET.sub("", raw).strip(" |")
    if not bare or len(bare) > 20:
        return None
    best: tuple[int, str] | None = None
    if _PERIOD_TARGET.match(bare):
        best = (99, "period_target")
    elif _PERSON_RE.search(bare) and "单位" not in bare:
        best = (99, "person")
    for kind, words in HEADER_WORDS.items():
        for w in words:
            if _contains(bare, w) and (best is None or len(w) > best[0] or (best[1] in _WEAK and kind not in _WEAK)):
                if best is not None and kind in _WEAK and best[1] not in _WEAK:
                    continue
                best = (len(w), kind)
    if best is None:
        return None
    return (best[1], -1, raw, bool(_BOLD_NOTE.search(notes)), bool(_FIRST_NOTE.search(notes)))


def period_label(header: str) -> str:
    """`一季度目标` → `一季度`: the period a period-target column is due at."""
    m = _PERIOD_TARGET.match(close_spaces(header))
    return re.sub(r"(?:目标|计划|任务)$", "", m.group(0)) if m else ""
