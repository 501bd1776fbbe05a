"""Accounts: creating users with a role, issuing API tokens, throttling logins."""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from duban.errors import DubanError
from duban.ledger.audit import record
from duban.ledger.units import get_unit
from duban.people.models import LoginFailure, Profile, Role

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def add_user(username: str, role: str, *, unit: str | None = None, password: str | None = None,
             actor=None, actor_name: str = "cli") -> tuple[object, str]:
    """Create an account; returns (user, password) — a generated password is returned once."""
    try:
        role = Role(role)
    except ValueError:
        names = "、".join(f"{r.value}({r.label})" for r in Role)
        raise DubanError(f"未知角色“{role}”,可用:{names}", code="invalid") from None
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DubanError(f"用户“{username}”已存在", code="exists")
    unit_obj = get_unit(unit) if unit else None
    if role == Role.REPORTER and unit_obj is None:
        raise DubanError("单位填报员必须指定所属单位(--unit)", code="invalid")
    password = password or secrets.token_urlsafe(12)
    try:
        validate_password(password)
    except ValidationError as e:
        raise DubanError("密码不符合要求:" + ";".join(e.messages), code="invalid") from None
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password,
                                        is_staff=role == Role.OFFICE)
        Profile.objects.create(user=user, role=role, unit=unit_obj)
        if role == Role.OFFICE:
            user.groups.add(office_group())
        record(actor, actor_name, "users.add", user,
               after={"username": username, "role": role.value, "unit": unit_obj.name if unit_obj else None},
               summary=f"新建用户 {username}({role.label})")
    return user, password


OFFICE_APPS = ("ledger", "people", "supervision", "bulletins", "auth")


def office_group():
    """The admin rights of the supervision office: every model of duban's apps, and accounts."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="督查室")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICE_APPS))
    return group


def login_blocked(username: str, address: str) -> bool:
    since = timezone.now() - FAILURE_WINDOW
    recent = LoginFailure.objects.filter(at__gte=since)
    return (recent.filter(username=username).count() >= MAX_FAILURES
            or recent.filter(address=address).count() >= MAX_FAILURES * 4)


def note_login_failure(username: str, address: str) -> None:
    LoginFailure.objects.create(username=username[:150], address=address[:64])
    LoginFailure.objects.filter(at__lt=timezone.now() - FAILURE_WINDOW * 4).delete()


def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username).delete()
