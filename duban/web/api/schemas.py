"""The API's request and response shapes: English keys, Chinese text in the values.

Every operation declares its responses with these, so /api/openapi.json describes the whole API.
Input strings refuse NUL characters (PostgreSQL cannot store them) and have sane lengths; ids and
dates are bounded so that no input reaches the database or the date arithmetic out of range.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from duban.ledger.search import SEARCH_COUNT_CAP

MAX_ID = 2**63 - 1  # BigAutoField
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000
MIN_YEAR, MAX_YEAR = 1949, 2999  # a Task year or an as_of date outside this is a typing error
MAX_BULK = 500


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("不能包含空字符(\\x00)")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]
Day = Annotated[date, Field(ge=date(MIN_YEAR, 1, 1), le=date(MAX_YEAR, 12, 31))]
Genre = Literal["practical", "key_work", "campaign", "other"]
ReportState = Literal["submitted", "returned", "approved"]

# ---------------------------------------------------------------- errors


class ErrorDetail(Schema):
    code: str = Field(..., description="稳定的英文错误码:forbidden、not_found、conflict、invalid、unauthorized …")
    message: str = Field(..., description="中文说明")
    index: int | None = Field(None, description="批量提交时第一个出错条目的下标(从0开始)")
    details: list[dict] | None = Field(None, description="参数校验错误的明细(位置、说明)")
    request_id: str | None = Field(None, description="服务器内部错误时:本次请求的编号(与响应头 X-Request-ID、服务器日志一致)")


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    return {code: ErrorOut for code in codes}

# ---------------------------------------------------------------- status


class StatusCount(Schema):
    status: str
    status_code: str | None
    color: str | None
    count: int

# ---------------------------------------------------------------- plans


class PlanOut(Schema):
    id: int
    city: str
    year: int
    genre: str
    genre_label: str
    title: str
    task_count: int


class SectionOut(Schema):
    id: int
    title: str
    order: int
    task_count: int


class PlanDetailOut(PlanOut):
    sections: list[SectionOut]
    status_counts: list[StatusCount]

# ---------------------------------------------------------------- tasks and units


class TaskItem(Schema):
    id: int
    plan: int
    year: int
    number: str
    title: str
    domain: str
    section: str | None
    lead_units: list[str]
    status: str | None
    status_code: str | None
    color: str | None
    assessed_on: date | None


class TaskPage(Schema):
    count: int = Field(..., description=f"符合条件的事项数;检索(q)或只含一个单位的事项(unit 筛选、单位填报员)时"
                                        f"只数到 {SEARCH_COUNT_CAP} 与 offset+limit 中较大者,多于此数时即为此数,"
                                        "并且 total_is_lower_bound 为 true")
    total_is_lower_bound: bool = Field(False, description="为 true 时符合条件的事项多于 count 项(只数到上限),"
                                                         "可继续按 offset 翻页,直到返回的条目少于 limit")
    items: list[TaskItem]


class TaskUnitOut(Schema):
    id: int
    name: str
    role: str = Field(..., description="lead(牵头)或 co(协办)")
    role_label: str
    scope_note: str


class CheckpointOut(Schema):
    milestone: int
    due: date | None
    value: float
    qualifier: str


class IndicatorOut(Schema):
    id: int
    metric: str
    unit: str
    target: float
    qualifier: str
    qualifier_label: str
    higher_is_better: bool
    cumulative: bool
    implied: bool
    checkpoints: list[CheckpointOut]


class MilestoneOut(Schema):
    id: int
    due: date | None
    text: str
    done_on: date | None


class TaskDetailOut(TaskItem):
    plan_title: str
    content: str
    carried_over: bool
    reason: str
    units: list[TaskUnitOut]
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    lead_count: int
    co_count: int


class UnitTaskOut(Schema):
    role: str
    role_label: str
    task: TaskItem


class UnitDetailOut(UnitOut):
    aliases: list[str]
    tasks: list[UnitTaskOut]

# ---------------------------------------------------------------- indicators and progress


class ObservationOut(Schema):
    report: int
    as_of: date
    value: float | None
    percent: float | None
    state: str


class IndicatorDetailOut(IndicatorOut):
    task: int
    task_number: str
    plan: int
    observations: list[ObservationOut]


class ValueIn(Schema):
    metric: Annotated[Text, Field(min_length=1, max_length=200, examples=["城镇新增就业"])]
    amount: Annotated[Text, Field(min_length=1, max_length=40, examples=["15万"],
                                  description="数值,可带万/亿和计量单位:15万、36.61万人、75%")]


class MilestoneDoneIn(Schema):
    milestone: Annotated[int, Field(ge=1, le=MAX_ID, description="时间节点编号(见任务详情的 milestones)")]
    done_on: Day | None = Field(None, description="完成日期;不填为进展截至日期,不得晚于它")
    evidence: Annotated[Text, Field(max_length=2000)] = ""


class MilestoneDoneOut(Schema):
    milestone: int
    done_on: date
    evidence: str


class ProgressIn(Schema):
    task: Annotated[int, Field(ge=1, le=MAX_ID)]
    as_of: Day
    values: Annotated[list[ValueIn], Field(max_length=100)] = []
    text: Annotated[Text, Field(max_length=20000)] = ""
    milestones_done: Annotated[list[MilestoneDoneIn], Field(
        max_length=100, description="报告已完成的时间节点;审核通过后标记为已完成")] = []


class BulkProgressIn(Schema):
    reports: Annotated[list[ProgressIn], Field(min_length=1, max_length=MAX_BULK)]


class ReviewIn(Schema):
    approve: bool
    reason: Annotated[Text, Field(max_length=2000)] = ""
    version: Annotated[int, Field(ge=1, le=2**31 - 1, description="审核时看到的报告版本;已被他人改动时返回409")]


class ValueOut(Schema):
    indicator: int | None
    metric: str
    unit: str
    value: float | None
    percent: float | None


class EvidenceOut(Schema):
    name: str
    size: int
    content_type: str


class ProgressOut(Schema):
    id: int
    task: int
    task_number: str
    plan: int
    as_of: date
    text: str
    state: str
    state_label: str
    version: int
    created_at: datetime
    values: list[ValueOut]
    submitted_by: str | None = Field(None, description="填报人;匿名访问时不提供")
    review_note: str | None = Field(None, description="审核意见;匿名访问时不提供")
    evidence: list[EvidenceOut] | None = Field(None, description="佐证材料;匿名访问时不提供")
    milestones_done: list[MilestoneDoneOut] = Field([], description="报告已完成的时间节点(审核通过后生效)")


class ProgressPage(Schema):
    count: int
    items: list[ProgressOut]

# ---------------------------------------------------------------- assessments


class IndicatorAssessmentOut(Schema):
    indicator: int
    metric: str
    unit: str
    target: float
    planned: float | None
    actual: float | None
    ratio: float | None
    status: str
    status_code: str
    reason: str
    forecast: float | None


class TaskAssessmentOut(Schema):
    task: int
    plan: int
    number: str
    title: str
    as_of: date | None
    status: str | None
    status_code: str | None
    color: str | None
    reason: str
    indicators: list[IndicatorAssessmentOut]


class AssessmentsOut(Schema):
    plan: int | None
    as_of: date | None = Field(None, description="评估日期;读取已存状态时为空(各任务的 as_of 各自给出)")
    live: bool = Field(..., description="true:按 as_of 现场评估;false:读取各任务最近一次存储的评估")
    items: list[TaskAssessmentOut]

# ---------------------------------------------------------------- tokens


class TokenIn(Schema):
    name: Annotated[Text, Field(max_length=100)] = ""


class TokenOut(Schema):
    id: int
    name: str
    created_at: datetime
    last_used: datetime | None


class IssuedTokenOut(TokenOut):
    token: str = Field(..., description="令牌本身,只显示这一次;请求时放在 Authorization: Bearer <token>")
