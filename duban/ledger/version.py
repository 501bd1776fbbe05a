"""A version number of what lists and the dashboard count (task statuses, tasks, units), bumped by
the writes that change it — not by every write: a submitted report changes no status."""
from django.core.cache import cache
from django.db import transaction

KEY = "duban:ledger-version"


def ledger_version() -> int:
    return cache.get_or_set(KEY, 0, None)


def bump_ledger_version() -> None:
    def bump():
        try:
            cache.incr(KEY)
        except ValueError:  # not in the cache (a restart): any new value differs from the old keys
            cache.set(KEY, 1, None)

    transaction.on_commit(bump)
