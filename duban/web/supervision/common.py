"""What the supervision pages share: today's date, reading form fields, paging, the way back."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from duban.errors import InvalidInput
from duban.ledger.models import Task, Unit
from duban.web import queries as Q

PAGE_SIZE = 50


def today() -> date:
    return timezone.localdate()


def text_of(request, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def date_of(request, name: str, what: str, *, required: bool = True) -> date | None:
    """A date field (2024-12-10); a missing or malformed one is refused in Chinese."""
    raw = text_of(request, name)
    if not raw and not required:
        return None
    found = Q.parse_date(raw)
    if found is None:
        raise InvalidInput(f"请填写{what}(格式如 {today():%Y-%m-%d})" if not raw else f"{what}“{raw}”格式应为 {today():%Y-%m-%d}")
    return found


def int_of(params, name: str) -> int | None:
    return Q.parse_int(params.get(name))


def unit_of_field(request, name: str, what: str) -> Unit:
    pk = int_of(request.POST, name)
    unit = Unit.objects.filter(pk=pk).first() if pk else None
    if unit is None:
        raise InvalidInput(f"请选择{what}")
    return unit


def task_of_query(request, name: str = "task") -> Task | None:
    pk = int_of(request.GET, name) or int_of(request.POST, name)
    return Task.objects.select_related("plan").filter(pk=pk).first() if pk else None


def page_of(request, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def paging_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def done(request, message: str, to: str):
    messages.success(request, message)
    return redirect(to)


def safe_next(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return fallback
