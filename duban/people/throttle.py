"""Login throttling that slows guessing but cannot lock the real user out for long.

Failures are counted per account (the name typed, whether such an account exists or not: the
answers never tell) and per address, in Django's cache. Past a few free failures the account or the
address waits before its next try, a wait that doubles with each further failure and never exceeds
MAX_WAIT (60 s); a refused try is not counted and costs no hash. A success clears the account's
count; a count is forgotten FORGET seconds after its last failure.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache

FIRST_WAIT = 5.0  # seconds, after the free failures
MAX_WAIT = 60.0
FORGET = 15 * 60  # seconds


@dataclass(frozen=True)
class Rule:
    kind: str
    free: int  # failures allowed before any wait


ACCOUNT = Rule("account", free=5)
ADDRESS = Rule("address", free=20)  # a whole office may sit behind one address

_lock = threading.Lock()  # count and time change together


def _now() -> float:
    return time.time()


def _key(rule: Rule, value: str) -> str:
    return f"duban:login:{rule.kind}:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def account_key(username: str) -> str:
    return username.strip().casefold()


def wait_after(failures: int, free: int) -> float:
    """Seconds to wait after `failures` failures: none while free, then 5, 10, 20, 40, 60, 60 …"""
    if failures < free:
        return 0.0
    return min(FIRST_WAIT * 2 ** (failures - free), MAX_WAIT)


def _pairs(username: str, address: str) -> list[tuple[Rule, str]]:
    pairs = [(ACCOUNT, account_key(username))]
    if address:
        pairs.append((ADDRESS, address))
    return pairs


def seconds_to_wait(username: str, address: str, now: float | None = None) -> int:
    """How long this account or address must still wait before trying again (0: it may try now)."""
    now = _now() if now is None else now
    longest = 0.0
    for rule, value in _pairs(username, address):
        failures, last = cache.get(_key(rule, value), (0, 0.0))
        longest = max(longest, last + wait_after(failures, rule.free) - now)
    return int(-(-longest // 1)) if longest > 0 else 0  # whole seconds, rounded up


def note_failure(username: str, address: str, now: float | None = None) -> None:
    now = _now() if now is None else now
    with _lock:
        for rule, value in _pairs(username, address):
            key = _key(rule, value)
            failures, _ = cache.get(key, (0, 0.0))
            cache.set(key, (failures + 1, now), FORGET)


def clear_account(username: str) -> None:
    cache.delete(_key(ACCOUNT, account_key(username)))
