"""Import a document (office only): upload → preview what was extracted, correct it → confirm.

The uploaded bytes wait in MEDIA_ROOT/uploads/<sha256> between the steps (see stash.py); nothing is
written to the ledger before the confirmation."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from duban.assess_format import fmt_number
from duban.core.models import AuditEntry
from duban.errors import DubanError, UnreadableDocument
from duban.extract.readers import KIND_NAMES, MAX_BYTES, sniff
from duban.ledger.models import Finding, SourceDocument
from duban.ledger.workflow import confirm_import, extraction_problems, preview_import
from duban.people.roles import can_import, require
from duban.web.imports import stash
from duban.web.imports.corrections import QUALIFIERS, amount_text, corrected, join_units
from duban.web.unit.forms import QUALIFIER_SIGNS

FORMATS = "Word(.docx)、Excel(.xlsx/.xls)、PDF、网页(.html)、文本(.txt)"


class UploadForm(forms.Form):
    document = forms.FileField(label="文档", help_text=f"支持 {FORMATS},不超过 {MAX_BYTES // 2**20} MB",
                               error_messages={"required": "请选择要导入的文档", "empty": "文件为空"})
    year = forms.IntegerField(label="计划年度(可留空,自动识别)", required=False, min_value=1990, max_value=2100,
                              error_messages={"invalid": "年度须为四位数字", "min_value": "年度不早于1990年",
                                              "max_value": "年度不晚于2100年"})


def _office(request) -> None:
    require(can_import(request.user), "只有督查室可以导入文档")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _office(request)
    form = UploadForm(request.POST if request.method == "POST" else None,
                      request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["document"]
        name = f.name
        if f.size > MAX_BYTES:
            form.add_error("document", f"文件过大({f.size / 2**20:.1f} MB),上限为 {MAX_BYTES // 2**20} MB")
        else:
            data = f.read()
            try:
                extraction = preview_import(request.user, data, name, year=form.cleaned_data["year"])
                fmt = sniff(data, name)
            except UnreadableDocument as e:
                form.add_error("document", e.message)
            else:
                token = stash.put(data, {"name": name, "format": fmt, "extraction": extraction})
                return redirect("imports:preview", token=token)
    return render(request, "web/imports/upload.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _stale(request):
    return render(request, "web/imports/upload.html", {"form": UploadForm(), "error": stash.StaleUpload().message},
                  status=404)


@login_required
def preview(request, token: str):
    _office(request)
    try:
        data, meta = stash.get(token)
    except stash.StaleUpload:
        return _stale(request)
    return _render_preview(request, token, data, meta, meta["extraction"], [], {})


def _render_preview(request, token, data, meta, shown: dict, problems: list[str], posted: dict, status=200):
    """The preview page showing `shown` (the extraction, or the office's corrections of it)."""
    original = meta["extraction"]
    tasks = []
    findings_by_task: dict = {}
    for f in shown.get("findings") or []:
        findings_by_task.setdefault(f.get("task"), []).append(f)
    editable = shown.get("kind") != "progress"
    for i, t in enumerate(shown.get("tasks") or []):
        if not isinstance(t, dict):
            continue

        def val(key, default, i=i):  # what the office posted, else what was extracted
            return posted.get(f"t{i}-{key}", default)

        targets = [{"j": j, "metric": val(f"q{j}-metric", q.get("metric") or ""),
                    "value": val(f"q{j}-value", amount_text(q.get("value"))), "unit": val(f"q{j}-unit", q.get("unit") or ""),
                    "qualifier": val(f"q{j}-qualifier", q.get("qualifier") or "="),
                    "tracked": (f"t{i}-q{j}-tracked" in posted) if posted else True, "percent": q.get("percent")}
                   for j, q in enumerate(t.get("targets") or []) if isinstance(q, dict)]
        milestones = [{"j": j, "due": val(f"m{j}-due", m.get("due") or ""), "text": val(f"m{j}-text", m.get("text") or "")}
                      for j, m in enumerate(t.get("milestones") or []) if isinstance(m, dict)]
        tasks.append({"i": i, "t": t, "findings": findings_by_task.get(t.get("number"), []),
                      "targets": targets, "milestones": milestones,
                      "target_texts": [_quantity(q) for q in t.get("targets") or []],
                      "progress": [(p.get("as_of"), "、".join(_quantity(v) for v in p.get("values") or []))
                                   for p in t.get("progress") or [] if isinstance(p, dict)],
                      "content": val("content", t.get("content") or ""), "section": val("section", t.get("section") or ""),
                      "domain": val("domain", t.get("domain") or ""),
                      "lead": val("lead", join_units(t.get("lead_units"))),
                      "co": val("co", join_units(t.get("co_units"))),
                      "new": {k: val(f"qnew-{k}", "") for k in ("metric", "value", "unit")} | {
                          "qualifier": val("qnew-qualifier", ">=")}})
    return render(request, "web/imports/preview.html", {
        "token": token, "meta": meta, "x": shown, "tasks": tasks, "problems": problems,
        "general_findings": findings_by_task.get(None, []) + [
            f for n, fs in findings_by_task.items() if n is not None and n not in
            {t["t"].get("number") for t in tasks} for f in fs],
        "finding_count": len(shown.get("findings") or []),
        "title": posted.get("title", shown.get("title") or ""),
        "year": posted.get("year", shown.get("year") or ""),
        "kind_label": {"plan": "计划", "progress": "进展报告"}.get(shown.get("kind"), shown.get("kind")),
        "format_label": KIND_NAMES.get(meta.get("format"), meta.get("format")),
        "size": len(data), "original_title": original.get("title") or "", "editable": editable,
        "qualifiers": list(QUALIFIERS.items()),
        "imported": SourceDocument.objects.filter(sha256=token).first(),
    }, status=status)


def _quantity(q) -> str:
    """城镇新增就业 ≥35万人; a malformed one as it is (the JSON check names the problem)."""
    try:
        text = f"{q.get('metric') or ''} {QUALIFIER_SIGNS.get(q['qualifier'], '')}{fmt_number(q['value'], q['unit'])}"
        return text + (f"(占年计划{q['percent']:g}%)" if q.get("percent") is not None else "")
    except (AttributeError, KeyError, TypeError, ValueError):
        return str(q)


@login_required
@require_POST
def confirm(request, token: str):
    _office(request)
    try:
        data, meta = stash.get(token)
    except stash.StaleUpload:
        return _stale(request)
    extraction, edits, problems = corrected(meta["extraction"], request.POST)
    if not problems:
        extraction["source"] = meta["name"]  # provenance: the file the bytes came from
        problems = extraction_problems(extraction)
    if problems:
        return _render_preview(request, token, data, meta, meta["extraction"], problems, request.POST, status=400)
    try:
        summary = confirm_import(request.user, extraction, data, meta["format"], today=timezone.localdate(),
                                 corrections=edits)
    except DubanError as e:
        if e.code == "forbidden":
            raise
        return _render_preview(request, token, data, meta, meta["extraction"], [e.message], request.POST,
                               status=400)
    stash.drop(token)
    if summary.outcome == "unchanged":
        if summary.corrected:
            messages.success(request, f"{summary.source}:此文件已导入过;预览中的更正已记入台账({summary.corrected}项任务)")
            return redirect(f"/tasks/?plan={summary.plan_id}")
        messages.info(request, f"{summary.source}:此文件已导入过,未作改变")
        return redirect("imports:upload")
    source = SourceDocument.objects.get(sha256=token)
    return redirect("imports:done", pk=source.pk)


@login_required
def done(request, pk: int):
    """What an import did, as its audit entry recorded it (the summary line and the plan's changes)."""
    _office(request)
    source = get_object_or_404(SourceDocument, pk=pk)
    entry = (AuditEntry.objects.filter(action="import", object_type=SourceDocument._meta.label_lower,
                                       object_id=str(source.pk)).order_by("-at", "-id").first())
    after = (entry.after or {}) if entry else {}
    return render(request, "web/imports/done.html", {
        "source": source, "line": entry.summary if entry else "", "changes": after.get("changes") or [],
        "after": after, "findings": Finding.objects.filter(source=source).select_related("task").order_by("id")})
