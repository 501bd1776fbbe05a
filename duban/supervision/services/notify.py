"""Notifications in the system, and e-mail for urges and escalations when SMTP is configured.

E-mail goes through Django's `send_mail` after the transaction commits (a failed send never undoes
the urge; it is logged). Without `DUBAN_SMTP_HOST` the settings choose the dummy backend, so nothing
is sent; tests use Django's locmem backend.
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from duban.supervision.models import Notification

log = logging.getLogger(__name__)


def notify(users, kind: str, text: str, *, link: str = "", today: date, mail_subject: str | None = None
           ) -> list[Notification]:
    """One notification per distinct user; with `mail_subject`, also an e-mail to those with an address."""
    unique = list({u.pk: u for u in users if u is not None}.values())
    rows = Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, text=text, link=link, created=today) for u in unique])
    if mail_subject:
        mail_later([u.email for u in unique if u.email], mail_subject, text, link)
    return rows


def mail_later(addresses: list[str], subject: str, text: str, link: str = "") -> None:
    """Send after the surrounding transaction commits (at once when there is none)."""
    if not addresses:
        return
    site = getattr(settings, "DUBAN_SITE_URL", "").rstrip("/")
    body = text + (f"\n\n查看:{site}{link}" if link else "") + "\n\n(本邮件由督办系统自动发送,请勿直接回复)"

    def send():
        try:
            send_mail(subject, body, None, addresses)
        except Exception:  # an unreachable mail server must not break the work that was saved
            log.warning("督办邮件发送失败:%s → %s", subject, ", ".join(addresses), exc_info=True)

    transaction.on_commit(send)


def notifications_for(user, *, unread_only: bool = False):
    """The user's notifications, newest first."""
    rows = Notification.objects.filter(user=user) if user is not None and user.is_authenticated \
        else Notification.objects.none()
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user) -> int:
    return notifications_for(user, unread_only=True).count()


def mark_read(user, notifications=None, *, now: datetime) -> int:
    """Mark the user's notifications read (given ones or ids; all unread when None). Another user's
    notifications are left alone. Returns how many were marked. Not audited: it changes nothing but
    the reader's own inbox."""
    rows = notifications_for(user, unread_only=True)
    if notifications is not None:
        ids = [getattr(n, "pk", n) for n in notifications]
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=now)
