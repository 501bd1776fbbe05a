"""Memory and time of simultaneous logins: Django's default Argon2 (m=100 MiB, t=2, p=8, no limit
on concurrent hashes) against duban's (OWASP's m=19 MiB, t=2, p=1, at most HASH_SLOTS at once).

    python bench/logins.py [--logins 8] [--rounds 3]

Each configuration runs in a child process of its own (a fresh SQLite ledger in a temporary data
dir): one account, then `--logins` threads posting the right password to /login/ at the same
moment, `--rounds` times. Printed: the process's resident memory just before the logins, its peak
(getrusage ru_maxrss) after them, the difference per login, and the time of a round.
It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    "before (Django default Argon2, unbounded)": {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.Argon2PasswordHasher"],
        "AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend"],
    },
    "after (duban: OWASP Argon2id, bounded)": {},  # duban's settings as they are
}
PASSWORD = "Bench-pass-2024-long"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--logins", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child), args.logins, args.rounds)))
        return
    print(f"{args.logins} simultaneous logins, {args.rounds} rounds, {os.cpu_count()} cores")
    for name, overrides in CONFIGS.items():
        with tempfile.TemporaryDirectory(prefix="duban-bench-") as data:
            env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
            env.update(DUBAN_DATA_DIR=data, PYTHONPATH=str(ROOT))
            prepare = ("from duban.django_setup import ensure_schema; ensure_schema(); "
                       "from duban.people.services import add_user; "
                       f"add_user('bench', 'office', password={PASSWORD!r})")
            subprocess.run([sys.executable, "-c", prepare], env=env, check=True)  # its peak is not the logins'
            out = subprocess.run([sys.executable, __file__, "--child", json.dumps(overrides),
                                  "--logins", str(args.logins), "--rounds", str(args.rounds)],
                                 env=env, capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name}:\n  hasher {r['hasher']}, slots {r['slots']}\n"
              f"  resident before {r['rss_before']:.0f} MiB, peak after {r['peak']:.0f} MiB: "
              f"+{r['peak'] - r['rss_before']:.0f} MiB, {(r['peak'] - r['rss_before']) / args.logins:.1f} MiB a login\n"
              f"  a round of {args.logins} logins: {r['round_s'] * 1000:.0f} ms (all logged in: {r['ok']})")


def _mib(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak) of this process; ru_maxrss may carry a parent's
    peak over exec, these are the process's own."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024


def child(overrides: dict, logins: int, rounds: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    from django.conf import settings

    for key, value in overrides.items():  # before anything hashes: Django caches its hashers
        setattr(settings, key, value)
    from duban.django_setup import setup

    setup()
    from django.contrib.auth.hashers import get_hasher
    from django.test import Client

    from duban.people import hashers

    Client().get("/login/")  # templates, middleware and the database connection warmed up
    ok, times = True, []
    rss_before = _mib("VmRSS")
    if _mib("VmHWM") > rss_before + 5:
        raise SystemExit("the process peaked before the logins: the figure would not be theirs")
    for _ in range(rounds):
        barrier = threading.Barrier(logins)
        results = []

        def login(barrier: threading.Barrier = barrier, results: list = results) -> None:
            client = Client()
            barrier.wait()
            results.append(client.post("/login/", {"username": "bench", "password": PASSWORD}).status_code)

        threads = [threading.Thread(target=login) for _ in range(logins)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times.append(time.perf_counter() - start)
        ok = ok and results == [302] * logins
    peak = _mib("VmHWM")
    hasher = get_hasher()
    bounded = isinstance(hasher, hashers.DubanArgon2PasswordHasher)
    return {"hasher": f"{type(hasher).__name__} m={hasher.memory_cost} t={hasher.time_cost} p={hasher.parallelism}",
            "slots": hashers.HASH_SLOTS if bounded else "none", "rss_before": rss_before, "peak": peak,
            "round_s": min(times), "ok": ok}


if __name__ == "__main__":
    main()
