"""Password hashing whose memory a flood of logins cannot exhaust.

Django's Argon2 default (m=100 MiB, t=2, p=8) holds 100 MiB per hash: eight simultaneous logins
held ~800 MiB. Measured on the server (one core, argon2-cffi 25; `python bench/logins.py`):

    m=100 MiB t=2 p=8 (Django)   135 ms   +100 MiB
    m=46 MiB  t=1 p=1 (OWASP)     50 ms    +46 MiB
    m=19 MiB  t=2 p=1 (OWASP)     22 ms    +19 MiB   <- chosen
    m=12 MiB  t=3 p=1 (OWASP)     20 ms    +12 MiB

OWASP's Password Storage Cheat Sheet lists these Argon2id settings as equally strong; 19 MiB, t=2,
p=1 is its first recommendation and keeps a login cheap in memory and time. On top of that at most
HASH_SLOTS hashes run at once in a process (a semaphore around every hash and verification), so
the memory of logins is bounded whatever the number of requests: HASH_SLOTS × 19 MiB.

A hash's memory also goes back to the system when it is done: glibc raises its mmap threshold
after the first large free, after which every thread's heap would keep a 19 MiB block for good
(eight server threads: ~150 MiB more); a fixed threshold below the hash's memory keeps each hash's
block mmapped, returned on free (measured: eight logins +182 MiB → +50 MiB).

Stored hashes carry their own parameters: older ones (Django's defaults) still verify and are
rehashed with these on the next successful login (must_update).
"""
from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import Argon2PasswordHasher

from duban.errors import LoginBusy

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
HASH_SLOTS = max(1, int(os.environ.get("DUBAN_LOGIN_SLOTS", "") or min(os.cpu_count() or 2, 4)))
SLOT_WAIT = 10.0  # seconds a login waits for a free slot before being told to try again

_slots = threading.BoundedSemaphore(HASH_SLOTS)
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 8 * 1024 * 1024


def _return_hash_memory_to_the_system() -> None:
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc: its own allocator decides
        pass


_return_hash_memory_to_the_system()


@contextmanager
def hash_slot(wait: float = SLOT_WAIT) -> Iterator[None]:
    """One of the HASH_SLOTS places to compute a password hash in; LoginBusy when none frees in time."""
    if not _slots.acquire(timeout=wait):
        raise LoginBusy
    try:
        yield
    finally:
        _slots.release()


class DubanArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1), at most HASH_SLOTS at a time."""

    time_cost = TIME_COST
    memory_cost = MEMORY_KIB
    parallelism = PARALLELISM

    def encode(self, password: str, salt: str) -> str:
        with hash_slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with hash_slot():
            return super().verify(password, encoded)
