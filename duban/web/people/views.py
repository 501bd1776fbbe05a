"""用户管理 (office only): list and search accounts, create one (its password shown once), change its
role, unit, 姓名 and 职务, reset its password (shown once), disable or re-enable it. Every write is a
service action of duban.people.services (permission, validation, transaction, audit)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from duban.core.models import AuditEntry
from duban.errors import DubanError
from duban.ledger.models import Unit
from duban.people.models import Role
from duban.people.roles import can_manage
from duban.people.services import (
    add_user,
    change_user,
    list_users,
    reset_password,
    set_active,
)
from duban.web.supervision.common import page_of, paging_query, text_of


def _office(request) -> None:
    if not can_manage(request.user):
        raise PermissionDenied


def _unit_name(request) -> str | None:
    pk = request.POST.get("unit", "")
    unit = Unit.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    return unit.name if unit else None


def _form_context(**extra) -> dict:
    return {"roles": Role.choices, "units": Unit.objects.order_by("kind", "name").only("id", "name"), **extra}


@login_required
def user_list(request):
    _office(request)
    role = request.GET.get("role") or None
    role = role if role in Role.values else None
    state = request.GET.get("state", "active")
    active = {"active": True, "disabled": False}.get(state)
    query = (request.GET.get("q") or "").strip()
    page = page_of(request, list_users(role=role, active=active, query=query))
    return render(request, "web/people/list.html", {
        "page": page, "paging_query": paging_query(request), "roles": Role.choices, "role": role or "",
        "state": state, "q": query})


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request):
    _office(request)
    values = {"username": "", "name": "", "title": "", "role": Role.REPORTER.value, "unit": None}
    error = ""
    if request.method == "POST":
        values = {k: text_of(request, k) for k in ("username", "name", "title", "role")}
        values["unit"] = int(request.POST["unit"]) if request.POST.get("unit", "").isdigit() else None
        try:
            user, password = add_user(values["username"], values["role"], unit=_unit_name(request),
                                      name=values["name"], title=values["title"], actor=request.user)
        except DubanError as e:
            if e.code == "forbidden":
                raise
            error = e.message
        else:
            return render(request, "web/people/password.html", {"account": user, "password": password,
                                                                "created": True})
    return render(request, "web/people/new.html", _form_context(values=values, error=error),
                  status=400 if error else 200)


def _account(pk: int):
    return get_object_or_404(get_user_model().objects.select_related("profile", "profile__unit"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk: int):
    _office(request)
    account = _account(pk)
    error = ""
    if request.method == "POST":
        try:
            change_user(account, role=text_of(request, "role"), unit=_unit_name(request), name=text_of(request, "name"),
                        title=text_of(request, "title"), actor=request.user)
        except DubanError as e:
            if e.code == "forbidden":
                raise
            error = e.message
        else:
            from django.contrib import messages

            messages.success(request, f"已保存用户 {account.get_username()}")
            return redirect(f"/users/{account.pk}/")
    history = AuditEntry.objects.filter(object_type=account._meta.label_lower, object_id=str(account.pk)) \
        .order_by("-at", "-id")[:50]
    return render(request, "web/people/detail.html", _form_context(account=account, error=error, history=history,
                                                                    myself=account.pk == request.user.pk),
                  status=400 if error else 200)


@login_required
@require_POST
def user_reset(request, pk: int):
    _office(request)
    account = _account(pk)
    password = reset_password(account, actor=request.user)
    return render(request, "web/people/password.html", {"account": account, "password": password})


@login_required
@require_POST
def user_active(request, pk: int):
    _office(request)
    account = _account(pk)
    active = request.POST.get("active") == "1"
    set_active(account, active, actor=request.user)
    from django.contrib import messages

    messages.success(request, f"已{'启用' if active else '停用'}用户 {account.get_username()}")
    return redirect(f"/users/{account.pk}/")
