"""Accounts: creating users with a role, issuing API tokens."""
from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from duban.core.audit import record
from duban.errors import DubanError
from duban.ledger.units import get_unit
from duban.people.models import Profile, Role
from duban.people.roles import can_manage, require, role_of, unit_of
from duban.people.signals import member_joined


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = "、".join(f"{r.value}({r.label})" for r in Role)
        raise DubanError(f"未知角色“{role}”,可用:{names}", code="invalid") from None


def _checked_password(password: str | None) -> str:
    password = password or secrets.token_urlsafe(12)
    try:
        validate_password(password)
    except ValidationError as e:
        raise DubanError("密码不符合要求:" + ";".join(e.messages), code="invalid") from None
    return password


def _may_manage(actor) -> None:
    """The office manages accounts; the command line (no actor) is the machine's operator."""
    if actor is not None:
        require(can_manage(actor), "只有督查室可以管理用户")


def _short(name: str, limit: int, what: str) -> str:
    name = (name or "").strip()
    if len(name) > limit:
        raise DubanError(f"{what}不能超过{limit}字", code="invalid")
    return name


def add_user(username: str, role: str, *, unit: str | None = None, password: str | None = None,
             name: str = "", title: str = "", actor=None, actor_name: str = "cli") -> tuple[object, str]:
    """Create an account; returns (user, password) — a generated password is returned once."""
    _may_manage(actor)
    role = _role(role)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise DubanError("账号名不能为空,也不能超过150个字符", code="invalid")
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DubanError(f"用户“{username}”已存在", code="exists")
    unit_obj = get_unit(unit) if unit else None
    if role == Role.REPORTER and unit_obj is None:
        raise DubanError("单位填报员必须指定所属单位(--unit)", code="invalid")
    name, title = _short(name, 50, "姓名"), _short(title, 80, "职务")
    password = _checked_password(password)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password,
                                        is_staff=role == Role.OFFICE)
        Profile.objects.create(user=user, role=role, unit=unit_obj, name=name, title=title)
        if role == Role.OFFICE:
            user.groups.add(office_group())
        record(actor, actor_name, "users.add", user,
               after={"username": username, "role": role.value, "unit": unit_obj.name if unit_obj else None,
                      "name": name, "title": title},
               summary=f"新建用户 {username}({role.label})")
        if role == Role.REPORTER:
            member_joined.send(sender=Profile, user=user, unit=unit_obj)
    return user, password


def get_user(username: str):
    user = get_user_model().objects.select_related("profile", "profile__unit").filter(
        username=(username or "").strip()).first()
    if user is None:
        raise DubanError(f"找不到用户“{username}”", code="not_found")
    return user


def list_users(*, role: str | None = None, unit=None, active: bool | None = None, query: str = ""):
    """Accounts with their profile, by role then account name."""
    from django.db.models import Q

    users = get_user_model().objects.select_related("profile", "profile__unit").order_by("profile__role", "username")
    if role:
        users = users.filter(profile__role=role)
    if unit is not None:
        users = users.filter(profile__unit=unit)
    if active is not None:
        users = users.filter(is_active=active)
    if query:
        users = users.filter(Q(username__icontains=query) | Q(profile__name__icontains=query)
                             | Q(profile__title__icontains=query) | Q(profile__unit__name__icontains=query))
    return users


def role_label(user) -> str:
    profile = getattr(user, "profile", None)
    if user.is_superuser and profile is None:
        return Role.OFFICE.label
    return profile.get_role_display() if profile else "(无角色)"


def describe(user) -> str:
    """One line for the command line: 账号 姓名 职务 角色·单位 状态."""
    profile = getattr(user, "profile", None)
    unit = profile.unit.name if profile and profile.unit_id else ""
    parts = [user.get_username(), profile.name if profile and profile.name else "—",
             profile.title if profile and profile.title else "—", role_label(user) + (f"·{unit}" if unit else ""),
             "已停用" if not user.is_active else "在用"]
    return "\t".join(parts)


def set_active(user, active: bool, *, actor=None, actor_name: str = "cli") -> None:
    """Disable (停用) or re-enable an account. A disabled account cannot sign in, its API tokens stop
    working, and it gets no notifications; its history stays. The office cannot disable itself."""
    _may_manage(actor)
    if actor is not None and actor.pk == user.pk and not active:
        raise DubanError("不能停用自己的账号", code="invalid")
    if user.is_active == active:
        raise DubanError(f"用户“{user.get_username()}”已经{'在用' if active else '停用'}", code="invalid")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            user.api_tokens.all().delete()
        record(actor, actor_name, "users.enable" if active else "users.disable", user,
               before={"active": not active}, after={"active": active},
               summary=f"{'启用' if active else '停用'}用户 {user.get_username()}")
        if active and role_of(user) == Role.REPORTER:
            member_joined.send(sender=Profile, user=user, unit=unit_of(user))


def reset_password(user, password: str | None = None, *, actor=None, actor_name: str = "cli") -> str:
    """A new password (generated when not given, returned once); the old one stops working at once
    and so do the account's sessions."""
    _may_manage(actor)
    password = _checked_password(password)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(actor, actor_name, "users.reset", user, summary=f"重置用户 {user.get_username()} 的密码")
    return password


def change_user(user, *, role: str, unit: str | None, name: str, title: str, actor=None,
                actor_name: str = "cli") -> None:
    """Role, unit, 姓名 and 职务 of an account, as the office edits them."""
    _may_manage(actor)
    role = _role(role)
    unit_obj = get_unit(unit) if unit else None
    if role == Role.REPORTER and unit_obj is None:
        raise DubanError("单位填报员必须指定所属单位", code="invalid")
    if actor is not None and actor.pk == user.pk and role != Role.OFFICE:
        raise DubanError("不能取消自己的督查室角色", code="invalid")
    name, title = _short(name, 50, "姓名"), _short(title, 80, "职务")
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": role})
    before = {"role": profile.role, "unit": profile.unit.name if profile.unit_id else None,
              "name": profile.name, "title": profile.title}
    after = {"role": role.value, "unit": unit_obj.name if unit_obj else None, "name": name, "title": title}
    if before == after:
        return
    with transaction.atomic():
        profile.role, profile.unit, profile.name, profile.title = role, unit_obj, name, title
        profile.save()
        user.is_staff = role == Role.OFFICE or user.is_superuser
        user.save(update_fields=["is_staff"])
        if role == Role.OFFICE:
            user.groups.add(office_group())
        else:
            user.groups.remove(office_group())
        record(actor, actor_name, "users.change", user, before=before, after=after,
               summary=f"修改用户 {user.get_username()}:{role.label}" + (f"·{unit_obj.name}" if unit_obj else ""))
        if role == Role.REPORTER and (before["unit"] != after["unit"] or before["role"] != role.value):
            member_joined.send(sender=Profile, user=user, unit=unit_obj)


OFFICE_APPS = ("ledger", "people", "supervision", "bulletins", "auth")


def office_group():
    """The admin rights of the supervision office: every model of duban's apps, and accounts."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="督查室")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICE_APPS))
    return group
