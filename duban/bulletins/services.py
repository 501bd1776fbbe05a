"""Bulletin actions: create (numbered, from a frozen snapshot), approve, publish — each permission-checked,
in one transaction, audited. Rendering reads only the stored snapshot, so a bulletin renders the same
document whenever it is rendered again.

`actor=None` is the command line (the operator at the server, trusted like every other `duban`
command); a user object — anonymous included — must be the office (督查室).
"""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from duban.bulletins.content import BulletinContent, build_bulletin
from duban.bulletins.models import Bulletin
from duban.bulletins.render import FORMATS, render
from duban.bulletins.snapshot import collect_snapshot
from duban.errors import DubanError
from duban.ledger.assessment import assess_plan
from duban.ledger.audit import record
from duban.ledger.models import Plan
from duban.people.roles import can_manage, require


class BulletinStateError(DubanError):
    code = "conflict"


def _allowed(actor) -> None:
    if actor is not None:
        require(can_manage(actor), "只有督查室可以编制、审定和发布通报")


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def create_bulletin(actor, plan: Plan, as_of: date, *, issued_on: date | None = None, actor_name: str = "cli"
                    ) -> Bulletin:
    """The next numbered bulletin (第N期) of `plan`, as of a date, from a snapshot frozen now."""
    _allowed(actor)
    if not date(plan.year, 1, 1) <= as_of <= date(plan.year + 1, 12, 31):
        raise DubanError(f"截至日期 {as_of} 与计划年度 {plan.year} 年不符", code="invalid")
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one numbering at a time per plan
        assess_plan(plan.pk, as_of)  # the statuses of that date, stored in the history as every assessment is
        number = (Bulletin.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
        previous = (Bulletin.objects.filter(plan=plan, as_of__lte=as_of).order_by("-as_of", "-number").first())
        snapshot = collect_snapshot(plan, as_of, number=number, issued_on=issued_on,
                                    previous=previous.snapshot if previous else None,
                                    previous_number=previous.number if previous else None)
        content = build_bulletin(snapshot)
        bulletin = Bulletin.objects.create(plan=plan, number=number, as_of=as_of, title=content.title,
                                           snapshot=snapshot, created_by=_user(actor),
                                           created_by_name=_name(actor, actor_name))
        record(actor, actor_name, "bulletin.create", bulletin,
               after={"plan": plan.pk, "number": number, "as_of": as_of, "counts": snapshot["counts"]},
               summary=f"编制《{content.title}》{content.number_label}(草稿)")
    return bulletin


def approve_bulletin(actor, bulletin: Bulletin, *, actor_name: str = "cli") -> Bulletin:
    _allowed(actor)
    with transaction.atomic():
        b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if b.state != Bulletin.State.DRAFT:
            raise BulletinStateError(f"第{b.number}期通报{b.get_state_display()},只有草稿可以审定")
        before = b.state
        b.state, b.approved_by, b.approved_at = Bulletin.State.APPROVED, _user(actor), timezone.now()
        b.approved_by_name = _name(actor, actor_name)
        b.save(update_fields=["state", "approved_by", "approved_by_name", "approved_at"])
        record(actor, actor_name, "bulletin.approve", b, before={"state": before}, after={"state": b.state},
               summary=f"审定《{b.title}》第{b.number}期")
    return b


def publish_bulletin(actor, bulletin: Bulletin, *, actor_name: str = "cli") -> Bulletin:
    """Publish an approved bulletin: it then shows on the public portal."""
    _allowed(actor)
    with transaction.atomic():
        b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if b.state != Bulletin.State.APPROVED:
            raise BulletinStateError(f"第{b.number}期通报{b.get_state_display()},只有已审定的通报可以发布")
        b.state, b.published_at = Bulletin.State.PUBLISHED, timezone.now()
        b.save(update_fields=["state", "published_at"])
        record(actor, actor_name, "bulletin.publish", b, before={"state": Bulletin.State.APPROVED},
               after={"state": b.state}, summary=f"发布《{b.title}》第{b.number}期")
    return b


def published_bulletins(plan: Plan | None = None):
    """What the public portal shows: published bulletins, the newest first."""
    qs = Bulletin.objects.filter(state=Bulletin.State.PUBLISHED).select_related("plan")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-as_of", "-published_at", "-pk")


def list_bulletins(plan: Plan | None = None) -> list[Bulletin]:
    qs = Bulletin.objects.select_related("plan").order_by("plan_id", "-number")
    return list(qs.filter(plan=plan) if plan is not None else qs)


def get_bulletin(pk: int) -> Bulletin:
    b = Bulletin.objects.select_related("plan").filter(pk=pk).first()
    if b is None:
        raise DubanError(f"找不到通报 {pk}", code="not_found")
    return b


def find_bulletin(plan: Plan, as_of: date) -> Bulletin | None:
    """The latest-numbered bulletin of `plan` as of that date, if one was made."""
    return Bulletin.objects.filter(plan=plan, as_of=as_of).order_by("-number").first()


def content_of(bulletin: Bulletin) -> BulletinContent:
    return build_bulletin(bulletin.snapshot)


def render_bulletin(bulletin: Bulletin, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of the bulletin in a format: docx, html, md or xlsx."""
    data = render(content_of(bulletin), fmt)
    content_type, ext = FORMATS[fmt.lower().lstrip(".")]
    return data, f"{bulletin.title}(第{bulletin.number}期){ext}", content_type


def _name(actor, actor_name: str) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else actor_name
