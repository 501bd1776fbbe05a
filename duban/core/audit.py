"""The audit trail: every change records who, when, what, before and after — one way to write it,
for every app (ledger, people, supervision, bulletins, the API's tokens)."""
from __future__ import annotations

import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from duban.core.models import AuditEntry

_ENCODER = DjangoJSONEncoder()
# One line per audited step in the server's log (who, what, on what); the request's id is added by
# the log handler (duban.web.logs.RequestIdFilter).
log = logging.getLogger("duban.audit")


def _plain(value):
    """JSON-safe copy (dates, decimals → strings) so the entry stores what was there."""
    return None if value is None else json.loads(_ENCODER.encode(value))


def record(actor, actor_name: str, action: str, obj, *, before=None, after=None, summary: str = "",
           task=None) -> AuditEntry:
    """One audit entry; call inside the change's transaction so both happen or neither. Its log
    line is written when that transaction commits (a change undone is not logged as done)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_name = actor.get_username()
    else:
        actor = None
    entry = AuditEntry.objects.create(
        actor=actor, actor_name=actor_name or "system", action=action,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(getattr(obj, "pk", "")),
        task=task, before=_plain(before), after=_plain(after), summary=summary)
    if log.isEnabledFor(logging.INFO):
        transaction.on_commit(lambda: log.info("%s %s %s#%s: %s", entry.actor_name, action, entry.object_type,
                                               entry.object_id, summary or "-"))
    return entry
