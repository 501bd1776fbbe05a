"""通报 pages: the office's list per plan, creating one for a plan and a date, seeing it rendered,
approving, issuing (印发) or discarding it, downloads; the public list of issued ones and each one's
page on the portal, with the downloads a citizen opens (PDF, Word, 网页).

Drafts and approved-but-unpublished bulletins are internal: only the office, leaders and reviewers
see them; everyone (no login) sees the published ones."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from duban.bulletins.models import Bulletin
from duban.bulletins.render import FORMATS, pdf
from duban.bulletins.render.html import render_html_fragment
from duban.bulletins.services import (
    approve_bulletin,
    content_of,
    create_bulletin,
    discard_bulletin,
    get_bulletin,
    list_bulletins,
    publish_bulletin,
    published_bulletins,
    render_bulletin,
)
from duban.errors import DubanError
from duban.ledger.models import Plan
from duban.people.roles import can_manage, require, sees_everything
from duban.web import queries as Q
from duban.web.supervision.common import done, page_of, paging_query, text_of, today

BULLETIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'"
FORMAT_LABELS = {"docx": "Word", "pdf": "PDF", "html": "网页", "xlsx": "Excel", "md": "Markdown"}


def public_formats() -> dict[str, str]:
    """What a citizen is offered: the formats anyone opens (PDF when the server can make it)."""
    return {"pdf": "PDF", "docx": "Word"} if pdf.available() else {"docx": "Word"}


def office_formats() -> dict[str, str]:
    return {k: v for k, v in FORMAT_LABELS.items() if k != "pdf" or pdf.available()}


def _internal(request) -> None:
    require(sees_everything(request.user), "只有督查室、领导和审核员可以查看未发布的通报")


@login_required
def bulletin_list(request):
    _internal(request)
    plans = list(Plan.objects.order_by("-year", "genre", "title"))
    plan = next((p for p in plans if p.pk == Q.parse_int(request.GET.get("plan"))), None)
    rows = list_bulletins(plan)
    return render(request, "web/bulletins/list.html", {
        "plans": plans, "plan": plan, "rows": rows, "may_manage": can_manage(request.user),
        "formats": office_formats()})


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_new(request):
    require(can_manage(request.user), "只有督查室可以编制通报")
    plans = list(Plan.objects.order_by("-year", "genre", "title"))
    values = {"plan": Q.parse_int(request.GET.get("plan")), "as_of": f"{today():%Y-%m-%d}", "issued_on": ""}
    error = ""
    if request.method == "POST":
        values = {"plan": Q.parse_int(request.POST.get("plan")), "as_of": text_of(request, "as_of"),
                  "issued_on": text_of(request, "issued_on")}
        plan = next((p for p in plans if p.pk == values["plan"]), None)
        as_of, issued_on = Q.parse_date(values["as_of"]), Q.parse_date(values["issued_on"])
        if plan is None:
            error = "请选择计划"
        elif as_of is None:
            error = "请填写截至日期(格式如 2024-11-30)"
        elif values["issued_on"] and issued_on is None:
            error = "印发日期格式应为 2024-12-05"
        else:
            try:
                b = create_bulletin(request.user, plan, as_of, issued_on=issued_on)
            except DubanError as e:
                if e.code == "forbidden":
                    raise
                error = e.message
            else:
                return done(request, f"已编制《{b.title}》(草稿),请审定;印发时编入年度期号", f"/bulletins/{b.pk}/")
    return render(request, "web/bulletins/new.html", {"plans": plans, "values": values, "error": error},
                  status=400 if error else 200)


@login_required
def bulletin_detail(request, pk: int):
    _internal(request)
    b = get_bulletin(pk)
    return render(request, "web/bulletins/detail.html", {
        "b": b, "may_manage": can_manage(request.user), "formats": office_formats(), "today": today()})


@login_required
@require_POST
def bulletin_approve(request, pk: int):
    b = approve_bulletin(request.user, get_bulletin(pk))
    return done(request, f"《{b.title}》已审定,可以印发", f"/bulletins/{b.pk}/")


@login_required
@require_POST
def bulletin_publish(request, pk: int):
    given = text_of(request, "issued_on")
    issued_on = Q.parse_date(given) if given else None
    if given and issued_on is None:
        raise DubanError("印发日期格式应为 2024-12-05", code="invalid")
    b = publish_bulletin(request.user, get_bulletin(pk), issued_on=issued_on)
    return done(request, f"已印发督查通报{b.series_label},公众门户可见", f"/bulletins/{b.pk}/")


@login_required
@require_POST
def bulletin_discard(request, pk: int):
    b = get_bulletin(pk)
    discard_bulletin(request.user, b)
    return done(request, f"已删除通报草稿《{b.title}》", f"/bulletins/?plan={b.plan_id}")


def _visible(request, pk: int) -> Bulletin:
    """A published bulletin for anyone; an unpublished one only inside (never revealed: 404)."""
    try:
        b = get_bulletin(pk)
    except DubanError:
        raise Http404 from None
    if b.state != Bulletin.State.PUBLISHED and not sees_everything(request.user):
        raise Http404
    return b


def _file(b: Bulletin, fmt: str, *, inline: bool) -> HttpResponse:
    data, filename, content_type = render_bulletin(b, fmt)
    response = HttpResponse(data, content_type=content_type)
    kind = "inline" if inline else "attachment"
    ascii_name = f"bulletin-{b.series_year or b.plan.year}-{b.number or 'draft'}{FORMATS[fmt][1]}"
    response["Content-Disposition"] = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    if b.state != Bulletin.State.PUBLISHED:
        response["Cache-Control"] = "private, no-store"
    if fmt == "html":  # self-contained: its inline style, and nothing else at all (no script)
        response["Content-Security-Policy"] = BULLETIN_CSP
    return response


def bulletin_download(request, pk: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    return _file(_visible(request, pk), fmt, inline=fmt == "pdf")


@xframe_options_sameorigin
def bulletin_view(request, pk: int):
    """The bulletin as its own HTML page (shown in a frame on the detail page, opened from the public list).
    Its style is inline (the page is self-contained) and it has no script: its own policy says so."""
    return _file(_visible(request, pk), "html", inline=True)


def public_list(request):
    """No login: the issued bulletins, newest first."""
    rows = published_bulletins()
    return render(request, "web/bulletins/public.html", {
        "page": page_of(request, rows, 30), "paging_query": paging_query(request), "formats": public_formats()})


def public_bulletin(request, pk: int):
    """No login: one issued bulletin as a page of the portal (its header, the way back, downloads)."""
    b = _visible(request, pk)
    if b.state != Bulletin.State.PUBLISHED:
        raise Http404
    return render(request, "web/bulletins/public_bulletin.html", {
        "b": b, "text": render_html_fragment(content_of(b)), "formats": public_formats()})
