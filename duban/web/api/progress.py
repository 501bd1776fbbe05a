"""Progress reports (进展): read (PUBLIC for approved ones), submit, submit in bulk, review.

Writes go through `duban.ledger.workflow`: a reporter's report is `submitted` for review, the
office's is `approved` at once; the API only parses and calls.
"""
from __future__ import annotations

from typing import Annotated

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from ninja import Path, Query, Router

from duban.errors import BulkItemError, DubanError, NotFound, Unauthorized
from duban.ledger import workflow
from duban.ledger.milestones import DoneClaim
from duban.ledger.models import Observation, ProgressReport
from duban.people.roles import Forbidden
from duban.web.api import access, present
from duban.web.api.auth import AUTH, PUBLIC, viewer
from duban.web.api.schemas import (
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    BulkProgressIn,
    ProgressIn,
    ProgressOut,
    ProgressPage,
    ReportState,
    ReviewIn,
    errors,
)

router = Router(tags=["progress"])
APPROVED = ProgressReport.State.APPROVED


def _reports():
    return (ProgressReport.objects.select_related("task", "submitted_by")
            .prefetch_related(Prefetch("observations", Observation.objects.order_by("order", "pk")), "evidence"))


def _out(user, report: ProgressReport) -> dict:
    return present.report(report, public=not access.sees_unapproved(user, report.task))


def _find(pk: int) -> ProgressReport:
    report = _reports().filter(pk=pk).first()
    if report is None:
        raise NotFound(f"找不到编号为 {pk} 的进展")
    return report


@router.get("/progress", response={200: ProgressPage, **errors(401, 403, 404, 422)}, openapi_extra=PUBLIC)
def list_progress(request, task: Annotated[int | None, Query(ge=1, le=MAX_ID, description="任务编号")] = None,
                  state: Annotated[ReportState | None, Query(description="submitted 已提交、returned 已退回、"
                                                                         "approved 已审核")] = None,
                  limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0):
    """Progress reports, newest first (public: anonymous callers get approved reports only, without
    review notes, evidence or who reported; a reporter gets its unit's tasks' reports)."""
    user = viewer(request)
    if state not in (None, APPROVED) and access.scope_of(user) == access.PUBLIC:
        _refuse_unapproved(user)
    reports = access.visible_reports(user, _reports())
    if task is not None:
        access.get_task(user, task)
        reports = reports.filter(task_id=task)
    if state:
        reports = reports.filter(state=state)
    count = reports.count()
    page = reports.order_by("-as_of", "-created_at", "-pk")[offset:offset + limit]
    public = access.scope_of(user) == access.PUBLIC  # the others see only reports of tasks they may see in full
    return {"count": count, "items": [present.report(r, public=public) for r in page]}


@router.get("/progress/{int:report_id}", response={200: ProgressOut, **errors(401, 403, 404, 422)}, openapi_extra=PUBLIC)
def get_progress(request, report_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    """One report (public when approved)."""
    user = viewer(request)
    report = _find(report_id)
    access.check_task(user, report.task)
    if report.state != APPROVED and not access.sees_unapproved(user, report.task):
        _refuse_unapproved(user)
    return _out(user, report)


def _refuse_unapproved(user):
    if getattr(user, "is_authenticated", False):
        raise Forbidden("您的账号无权查看未审核的进展")
    raise Unauthorized("登录后才能查看未审核的进展")


def _submit(user, item: ProgressIn, today) -> ProgressReport:
    task = access.get_task(user, item.task)
    values = [(v.metric, v.amount) for v in item.values]
    done = [DoneClaim(m.milestone, m.done_on, m.evidence) for m in item.milestones_done]
    return workflow.submit_progress(user, task, item.as_of, values, item.text, today=today, milestones_done=done)


@router.post("/progress", response={201: ProgressOut, **errors(400, 401, 403, 404, 422)}, auth=AUTH)
def submit_progress(request, payload: ProgressIn):
    """Report progress of a task: `submitted` for review from a unit's reporter, `approved` at once
    from the office. Only the task's own unit (or the office) may report."""
    user = request.auth
    report = _submit(user, payload, timezone.localdate())
    return 201, _out(user, _find(report.pk))


@router.post("/progress/bulk", response={201: list[ProgressOut], **errors(400, 401, 403, 404, 422)}, auth=AUTH)
def submit_progress_bulk(request, payload: BulkProgressIn):
    """Several reports in one transaction: all are stored or none. An error names the first bad
    item (`error.index`, from 0)."""
    user = request.auth
    today = timezone.localdate()
    with transaction.atomic():
        ids = []
        for index, item in enumerate(payload.reports):
            try:
                ids.append(_submit(user, item, today).pk)
            except DubanError as e:
                raise BulkItemError(index, e) from e
    found = {r.pk: r for r in _reports().filter(pk__in=ids)}
    return 201, [_out(user, found[pk]) for pk in ids]


@router.post("/progress/{int:report_id}/review", response={200: ProgressOut, **errors(400, 401, 403, 404, 409, 422)},
             auth=AUTH)
def review_progress(request, report_id: Annotated[int, Path(ge=1, le=MAX_ID)], payload: ReviewIn):
    """Approve a submitted report, or return it with a reason (office and reviewers). `version` is
    the version the reviewer saw: if the report changed meanwhile the answer is 409."""
    user = request.auth
    report = _find(report_id)
    access.check_task(user, report.task)
    workflow.review_progress(user, report, approve=payload.approve, reason=payload.reason,
                             expected_version=payload.version, today=timezone.localdate())
    return _out(user, _find(report.pk))
