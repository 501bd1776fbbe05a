"""The progress template (进展填报表): download a unit's pre-filled .xlsx for a plan, upload it filled.

The upload is all or nothing: every row is checked first (`read_progress_template`, problems named
by row), then each task-and-date group is submitted with `submit_progress` inside one transaction;
one refused report rolls back the others and is named by its row."""
from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from duban.errors import DubanError, InvalidInput, TemplateProblems
from duban.ledger.models import Plan, Unit
from duban.ledger.spreadsheet import group_rows, progress_template_xlsx, read_progress_template
from duban.ledger.workflow import submit_progress
from duban.people.roles import Forbidden, require, sees_everything, unit_of
from duban.web import queries as Q

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


def _unit(request, params) -> Unit:
    """A reporter's own unit; whoever sees everything names one (unit=<id>)."""
    if sees_everything(request.user):
        pk = Q.parse_int(params.get("unit"))
        unit = Unit.objects.filter(pk=pk).first() if pk else None
        if unit is None:
            raise InvalidInput("请先在单位工作台选择单位")
        return unit
    own = unit_of(request.user)
    require(own is not None, "您的账号没有所属单位,无法使用填报表")
    wanted = params.get("unit")
    if wanted and wanted != str(own.pk):
        raise Forbidden("只能下载或上传本单位的填报表")
    return own


def _plans(unit: Unit):
    return list(Plan.objects.filter(tasks__responsibilities__unit=unit).distinct().order_by("-year", "genre", "title"))


def _plan(params, unit: Unit) -> Plan:
    pk = Q.parse_int(params.get("plan"))
    plan = next((p for p in _plans(unit) if p.pk == pk), None) if pk else None
    if plan is None:
        raise InvalidInput(f"请选择{unit.name}负责任务所在的计划")
    return plan


@login_required
def template_download(request):
    unit = _unit(request, request.GET)
    plan = _plan(request.GET, unit)
    buffer = io.BytesIO()
    progress_template_xlsx(unit, plan, buffer, as_of=timezone.localdate())
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"进展填报表-{unit.name}-{plan.year}.xlsx"
    response["Content-Disposition"] = (f"attachment; filename=\"progress-{unit.pk}-{plan.pk}.xlsx\"; "
                                       f"filename*=UTF-8''{quote(name)}")
    response["Cache-Control"] = "private, no-store"
    return response


def submit_template(user, unit: Unit, plan: Plan, stream, *, today) -> list:
    """Read, check and submit a filled template: every report or none (TemplateProblems names rows)."""
    rows = read_progress_template(unit, plan, stream)
    by_row = {p.row: p for p in rows}
    saved = []
    with transaction.atomic():
        for rep in group_rows(rows):
            values = [(by_row[r].indicator.metric, by_row[r].amount_text) for r in rep.rows
                      if by_row[r].indicator is not None and by_row[r].value is not None]
            try:
                saved.append(submit_progress(user, rep.task, rep.as_of, values, rep.text, today=today,
                                             milestones_done=rep.steps))
            except Forbidden:
                raise
            except DubanError as e:
                rows_words = "、".join(str(r) for r in rep.rows)
                raise TemplateProblems([(rep.rows[0], f"{e.message}(第{rows_words}行,第{rep.task.number}项)")]) from e
    return saved


@login_required
@require_http_methods(["GET", "POST"])
def template_upload(request):
    params = request.POST if request.method == "POST" else request.GET
    unit = _unit(request, params)
    plans = _plans(unit)
    problems: list[tuple[int, str]] = []
    chosen = Q.parse_int(params.get("plan"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            plan = _plan(request.POST, unit)
            if upload is None:
                raise InvalidInput("请选择要上传的填报表(.xlsx)")
            if upload.size > MAX_UPLOAD:
                raise InvalidInput(f"文件过大(不超过 {MAX_UPLOAD // 2**20} MB)")
            saved = submit_template(request.user, unit, plan, upload, today=timezone.localdate())
        except TemplateProblems as e:
            problems = e.problems
        except Forbidden:
            raise
        except DubanError as e:
            problems = [(0, e.message)]
        else:
            pending = sum(1 for r in saved if r.state == "submitted")
            tasks = "、".join(dict.fromkeys(f"第{r.task.number}项" for r in saved))
            messages.success(request, f"填报表已导入{len(saved)}条进展({tasks})"
                             + (",等待督查室审核" if pending else ",已生效"))
            url = reverse("unit:workspace") + (f"?unit={unit.pk}" if sees_everything(request.user) else "")
            return redirect(url)
    return render(request, "web/unit/template_upload.html", {
        "unit": unit, "plans": plans, "chosen": chosen, "problems": problems,
        "unit_query": f"&unit={unit.pk}" if sees_everything(request.user) else ""}, status=400 if problems else 200)
