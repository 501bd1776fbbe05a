"""Notifications (通知): the signed-in user's inbox, marking read, following a notification's link;
and the unit calendar feed (/calendar/<unit_id>.ics), by session or by the unit's subscription token."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from duban.ledger.models import Unit
from duban.people.models import Role
from duban.people.roles import Forbidden, role_of, unit_of
from duban.supervision.models import Notification
from duban.supervision.services import mark_read, notifications_for, unit_calendar_ics, unread_count
from duban.web.supervision.common import done, page_of, paging_query, safe_next, today

CALENDAR_SALT = "duban.web.calendar"


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows = notifications_for(request.user, unread_only=unread_only).order_by("-created", "-id")
    return render(request, "web/supervision/notifications.html", {
        "page": page_of(request, rows), "paging_query": paging_query(request), "unread_only": unread_only,
        "unread": unread_count(request.user), "kinds": dict(Notification.Kind.choices)})


@login_required
@require_POST
def notification_read(request):
    """Mark the chosen notifications read (`ids`), or all unread when none is chosen."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    n = mark_read(request.user, ids or None, now=timezone.now())
    return done(request, f"已标记{n}条通知为已读", safe_next(request, "/notifications/"))


@login_required
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    row = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(request.user, [row.pk], now=timezone.now())
    link = row.link if row.link.startswith("/") and not row.link.startswith("//") else "/notifications/"
    return redirect(link)


# ---------------------------------------------------------------- the calendar feed


def calendar_token(unit: Unit) -> str:
    """The unit's subscription token: a signature of its id (stable, so a subscribed calendar keeps
    working; changing the installation's secret key revokes every token)."""
    return signing.dumps({"u": unit.pk}, salt=CALENDAR_SALT)


def token_unit(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=CALENDAR_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def calendar_path(unit: Unit, *, with_token: bool = True) -> str:
    return f"/calendar/{unit.pk}.ics" + (f"?token={calendar_token(unit)}" if with_token else "")


def calendar_feed(request, unit_id: int):
    unit = get_object_or_404(Unit, pk=unit_id)
    token = request.GET.get("token")
    if token is not None:
        if token_unit(token) != unit.pk:
            raise Forbidden("日历订阅链接无效,请在单位工作台重新复制")
    elif not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    elif not (role_of(request.user) == Role.OFFICE or (role_of(request.user) == Role.REPORTER
                                                       and unit_of(request.user) == unit)):
        raise Forbidden("只能获取本单位的日历")
    response = HttpResponse(unit_calendar_ics(unit, today()).encode("utf-8"),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="duban-unit-{unit.pk}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
