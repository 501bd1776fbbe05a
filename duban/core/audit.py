"""The audit trail: every change records who, when, what, before and after — one way to write it,
for every app (ledger, people, supervision, bulletins, the API's tokens)."""
from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from duban.core.models import AuditEntry

_ENCODER = DjangoJSONEncoder()


def _plain(value):
    """JSON-safe copy (dates, decimals → strings) so the entry stores what was there."""
    return None if value is None else json.loads(_ENCODER.encode(value))


def record(actor, actor_name: str, action: str, obj, *, before=None, after=None, summary: str = "",
           task=None) -> AuditEntry:
    """One audit entry; call inside the change's transaction so both happen or neither."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_name = actor.get_username()
    else:
        actor = None
    return AuditEntry.objects.create(
        actor=actor, actor_name=actor_name or "system", action=action,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(getattr(obj, "pk", "")),
        task=task, before=_plain(before), after=_plain(after), summary=summary)
