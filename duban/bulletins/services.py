"""Bulletin actions: create (a draft, from a frozen snapshot), approve, issue (印发: numbered in the
office's yearly series, compared with the last issued bulletin, then public), discard a draft — each
permission-checked, in one transaction, audited. Rendering reads only the stored snapshot, so a bulletin renders the same
document whenever it is rendered again.

`actor=None` is the command line (the operator at the server, trusted like every other `duban`
command); a user object — anonymous included — must be the office (督查室).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from duban.bulletins import summary
from duban.bulletins.content import BulletinContent, build_bulletin
from duban.bulletins.models import Bulletin
from duban.bulletins.render import FORMATS, render
from duban.bulletins.snapshot import collect_snapshot
from duban.core.audit import record
from duban.errors import BulletinStateError, DubanError
from duban.ledger.assessment import assess_plan
from duban.ledger.models import Plan
from duban.people.roles import can_manage, require


def _allowed(actor) -> None:
    if actor is not None:
        require(can_manage(actor), "只有督查室可以编制、审定和发布通报")


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def create_bulletin(actor, plan: Plan, as_of: date, *, issued_on: date | None = None, actor_name: str = "cli"
                    ) -> Bulletin:
    """A draft bulletin of `plan` as of a date, from a snapshot frozen now. It is numbered when issued."""
    _allowed(actor)
    if not date(plan.year, 1, 1) <= as_of <= date(plan.year + 1, 12, 31):
        raise DubanError(f"截至日期 {as_of} 与计划年度 {plan.year} 年不符", code="invalid")
    with transaction.atomic():
        assess_plan(plan.pk, as_of)  # the statuses of that date, stored in the history as every assessment is
        previous = last_issued(plan, as_of)
        snapshot = collect_snapshot(plan, as_of, number=None, issued_on=issued_on,
                                    previous=previous.snapshot if previous else None,
                                    previous_number=previous.number if previous else None,
                                    issuer=settings.DUBAN_BULLETIN_ISSUER)
        snapshot["cc"] = settings.DUBAN_BULLETIN_CC
        if previous is not None:
            snapshot["previous"]["series_year"] = previous.series_year
        content = build_bulletin(snapshot)
        bulletin = Bulletin.objects.create(plan=plan, as_of=as_of, title=content.title, issued_on=issued_on,
                                           snapshot=snapshot, created_by=_user(actor),
                                           created_by_name=_name(actor, actor_name))
        record(actor, actor_name, "bulletin.create", bulletin,
               after={"plan": plan.pk, "as_of": as_of, "counts": snapshot["counts"]},
               summary=f"编制《{content.title}》(草稿)")
    return bulletin


def last_issued(plan: Plan, as_of: date, *, but: Bulletin | None = None) -> Bulletin | None:
    """The plan's latest issued bulletin on or before `as_of`: what the next one is compared with
    (never an unissued draft)."""
    qs = Bulletin.objects.filter(plan=plan, state=Bulletin.State.PUBLISHED, as_of__lte=as_of)
    if but is not None:
        qs = qs.exclude(pk=but.pk)
    return qs.order_by("-as_of", "-issued_on", "-number").first()


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


def publish_bulletin(actor, bulletin: Bulletin, *, issued_on: date | None = None, actor_name: str = "cli"
                     ) -> Bulletin:
    """Issue (印发) an approved bulletin: it takes the next number of the office's series for the year
    of its 印发日期, is compared with the plan's last issued bulletin, and shows on the public portal."""
    _allowed(actor)
    for _ in range(5):  # two issued at the same moment: the loser takes the next number
        try:
            return _publish(actor, bulletin, issued_on, actor_name)
        except IntegrityError:
            continue
    raise DubanError("通报编号冲突,请重试", code="conflict")


def _publish(actor, bulletin: Bulletin, issued_on: date | None, actor_name: str) -> Bulletin:
    with transaction.atomic():
        b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if b.state != Bulletin.State.APPROVED:
            raise BulletinStateError(f"《{b.title}》{b.get_state_display()},只有已审定的通报可以印发")
        issued = issued_on or b.issued_on or timezone.localdate()
        if issued < b.as_of:
            raise DubanError(f"印发日期 {issued} 早于截至日期 {b.as_of}", code="invalid")
        year = issued.year
        number = (Bulletin.objects.filter(series_year=year).aggregate(n=Max("number"))["n"] or 0) + 1
        previous = last_issued(b.plan, b.as_of, but=b)
        snapshot = dict(b.snapshot, number=number, series_year=year, issued_on=issued.isoformat(),
                        previous=None if previous is None else {
                            "number": previous.number, "series_year": previous.series_year,
                            "as_of": previous.snapshot["as_of"]},
                        changes=summary.changes(previous.snapshot if previous else None, b.snapshot["tasks"]))
        b.state, b.published_at = Bulletin.State.PUBLISHED, timezone.now()
        b.number, b.series_year, b.issued_on, b.snapshot = number, year, issued, snapshot
        with transaction.atomic():  # the unique number: a conflict rolls back this savepoint only
            b.save(update_fields=["state", "published_at", "number", "series_year", "issued_on", "snapshot"])
        record(actor, actor_name, "bulletin.publish", b, before={"state": Bulletin.State.APPROVED},
               after={"state": b.state, "number": number, "series_year": year, "issued_on": issued},
               summary=f"印发《{b.title}》督查通报{b.series_label}")
    return b


def discard_bulletin(actor, bulletin: Bulletin, *, actor_name: str = "cli") -> None:
    """Discard a draft or an approved bulletin not yet issued (an issued one stays: it was public)."""
    _allowed(actor)
    with transaction.atomic():
        b = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if b.state == Bulletin.State.PUBLISHED:
            raise BulletinStateError(f"《{b.title}》已印发({b.series_label}),不能删除")
        record(actor, actor_name, "bulletin.discard", b,
               before={"plan": b.plan_id, "as_of": b.as_of, "state": b.state, "title": b.title},
               summary=f"删除通报草稿《{b.title}》(截至{b.as_of:%Y-%m-%d})")
        b.delete()


def published_bulletins(plan: Plan | None = None):
    """What the public portal shows: published bulletins, the newest first."""
    qs = Bulletin.objects.filter(state=Bulletin.State.PUBLISHED).select_related("plan")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-issued_on", "-number", "-pk")


def list_bulletins(plan: Plan | None = None) -> list[Bulletin]:
    qs = Bulletin.objects.select_related("plan").order_by("-created_at", "-pk")
    return list(qs.filter(plan=plan) if plan is not None else qs)


def get_bulletin(pk: int) -> Bulletin:
    b = Bulletin.objects.select_related("plan").filter(pk=pk).first()
    if b is None:
        raise DubanError(f"找不到通报 {pk}", code="not_found")
    return b


def find_bulletin(plan: Plan, as_of: date) -> Bulletin | None:
    """The latest bulletin of `plan` as of that date, if one was made."""
    return Bulletin.objects.filter(plan=plan, as_of=as_of).order_by("-created_at", "-pk").first()


def content_of(bulletin: Bulletin) -> BulletinContent:
    return build_bulletin(bulletin.snapshot)


def render_bulletin(bulletin: Bulletin, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of the bulletin in a format: docx, html, md, pdf or xlsx. An
    issued bulletin's PDF is made once (LibreOffice takes seconds) and kept beside the ledger's files."""
    fmt = (fmt or "").lower().lstrip(".")
    if fmt == "pdf" and bulletin.state == Bulletin.State.PUBLISHED:
        data = _kept_pdf(bulletin)
    else:
        data = render(content_of(bulletin), fmt)
    content_type, ext = FORMATS[fmt]
    return data, f"{bulletin.title}({bulletin.series_label}){ext}", content_type


def _kept_pdf(bulletin: Bulletin) -> bytes:
    import hashlib
    import json

    from duban.bulletins.render.pdf import docx_to_pdf

    frozen = json.dumps(bulletin.snapshot, sort_keys=True, ensure_ascii=False).encode("utf-8")
    path = Path(settings.MEDIA_ROOT) / "bulletins" / f"{bulletin.pk}-{hashlib.sha256(frozen).hexdigest()[:16]}.pdf"
    if path.exists():
        return path.read_bytes()
    data = docx_to_pdf(render(content_of(bulletin), "docx"))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)  # whole or not at all
    return data


def _name(actor, actor_name: str) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else actor_name
