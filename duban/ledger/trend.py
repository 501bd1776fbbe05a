"""The stored points of the dashboard's trend (TrendPoint): dropped when what they count changes."""
from __future__ import annotations

from datetime import date

from django.db import transaction


def forget_trend(since: date | None = None) -> None:
    """Drop the points of `since` and later (None: all), now and once more when the transaction
    commits (a point computed meanwhile from the history before this write is not kept)."""
    from duban.ledger.models import TrendPoint

    def drop() -> None:
        points = TrendPoint.objects.all() if since is None else TrendPoint.objects.filter(day__gte=since)
        points.delete()

    drop()
    transaction.on_commit(drop)
