"""A process killed in the middle of a write leaves the database as it was — or as the whole write
leaves it — never in between (issue 12, item 5).

On a real PostgreSQL database of the test's own (migrated by `duban manage migrate`, production
mode: DUBAN_DATABASE_URL with a secret key and hosts), four writes are each run in a child process
and killed with SIGKILL at moments drawn at random (a fixed seed) between the moment the child is
ready (Django set up, the database open) and the measured length of the whole write:

    import    `duban import` of seed 000 (the real command, main(["import", …]))
    review    a reviewer approves a unit's submitted progress report (reassessment, milestones, audit)
    publish   the office issues (印发) an approved bulletin (its number, the comparison, the audit)
    case      the office opens a case on a lagging task (立项: its number, the reason, the audit)

Each trial starts from a copy of the database as it was before the write (CREATE DATABASE …
TEMPLATE); after the kill, once the killed client's session is gone, every table's rows are counted
and digested (every column but the clock's stamps) and must equal either the state before or the
state a complete run leaves (a digest that differed from one complete run to the next would fail
here, not pass: a state is accepted only when it equals one of the two exactly)."""
from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import seed
from tests.pg_tools import ROOT, duban, duban_env, server_or_skip, tables, throwaway_databases, wait_idle

KILLS_PER_WRITE = 5
RNG_SEED = 20241203

DRIVER = r"""
import sys
from datetime import date
from duban.django_setup import ensure_schema
ensure_schema()
from django.contrib.auth import get_user_model
from duban.bulletins.models import Bulletin
from duban.bulletins.services import approve_bulletin, create_bulletin, publish_bulletin
from duban.cli import main
from duban.ledger.models import Plan, ProgressReport, Task
from duban.ledger.workflow import review_progress, submit_progress
from duban.people.services import add_user

DAY = date(2024, 11, 30)
action = sys.argv[1]
if action == "prepare":  # the ledger the review and the issue start from
    from duban.ledger.assessment import assess_plan
    from duban.ledger.importer import import_file
    import_file(sys.argv[2], today=DAY)
    plan = Plan.objects.get(year=2024)
    assess_plan(plan.pk, DAY)
    office = add_user("office", "office", password="duban-test-password-1")[0]
    add_user("reviewer", "reviewer", password="duban-test-password-1")
    fire = add_user("fire", "reporter", unit="市消防救援支队", password="duban-test-password-1")[0]
    task = Task.objects.get(plan=plan, number="14")
    submit_progress(fire, task, DAY, [("开工建设城镇消防站", "6处")], "已开工6处消防站", today=DAY)
    approve_bulletin(office, create_bulletin(office, plan, DAY))
    sys.exit(0)
print("READY", flush=True)
users = get_user_model().objects
if action == "import":
    assert main(["import", sys.argv[2], "--actor", "导入员"]) == 0
elif action == "review":
    report = ProgressReport.objects.get(state="submitted")
    review_progress(users.get(username="reviewer"), report, approve=True, expected_version=report.version, today=DAY)
elif action == "publish":
    publish_bulletin(users.get(username="office"), Bulletin.objects.get(state="approved"), issued_on=date(2024, 12, 5))
elif action == "case":
    from duban.supervision.services import open_case_for_lagging_task
    open_case_for_lagging_task(users.get(username="office"), Task.objects.get(plan__year=2024, number="14"), DAY)
print("DONE", flush=True)
"""


def child(action: str, arg: str, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, action, arg], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ready(proc: subprocess.Popen) -> float:
    line = proc.stdout.readline()
    assert line.strip() == "READY", (line, proc.stderr.read()[-3000:] if proc.poll() is not None else "")
    return time.monotonic()


def complete_run(action: str, arg: str, env) -> float:
    """The whole write, not killed; how long it took from READY to DONE (the write returned; what
    follows is the interpreter's exit)."""
    proc = child(action, arg, env)
    start = ready(proc)
    for line in proc.stdout:
        if line.strip() == "DONE":
            break
    took = time.monotonic() - start
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and line.strip() == "DONE", err[-3000:]
    return took


def test_a_write_killed_at_random_moments_leaves_the_database_before_or_after_never_between(tmp_path, seeds):
    server_or_skip()
    rng = random.Random(RNG_SEED)
    outcomes = {}
    t0 = time.monotonic()
    with throwaway_databases("duban_kill") as make:
        migrated, url = make("migrated")
        duban(["manage", "migrate", "--verbosity", "0"], duban_env(url, tmp_path / "data"))
        prepared, url = make("prepared", template=migrated)
        prep = subprocess.run([sys.executable, "-c", DRIVER, "prepare", str(seed(seeds, "002"))], cwd=ROOT,
                              env=duban_env(url, tmp_path / "data"), capture_output=True, text=True, timeout=300)
        assert prep.returncode == 0, prep.stderr[-3000:]
        wait_idle(prepared)
        print(f"migrated and prepared in {time.monotonic() - t0:.1f} s")

        for action, start_from, arg in (("import", migrated, str(seed(seeds, "000"))),
                                        ("review", prepared, ""), ("publish", prepared, ""),
                                        ("case", prepared, "")):
            before = tables(make("before", template=start_from)[1])
            name, url = make("full", template=start_from)
            took = complete_run(action, arg, duban_env(url, tmp_path / "data"))
            wait_idle(name)
            after = tables(url)
            changed = sorted(t for t in after if after[t] != before[t])
            assert changed, f"{action} changed nothing"

            seen = []
            for _ in range(KILLS_PER_WRITE):
                name, url = make("trial", template=start_from)
                delay = rng.uniform(0, took)
                proc = child(action, arg, duban_env(url, tmp_path / "data"))
                start = ready(proc)
                time.sleep(max(0.0, start + delay - time.monotonic()))
                alive = proc.poll() is None
                proc.send_signal(signal.SIGKILL)
                proc.communicate(timeout=60)
                wait_idle(name)
                state = tables(url)
                if state == before:
                    seen.append("before")
                elif state == after:
                    seen.append("after")
                else:
                    between = {t: (before.get(t), state.get(t), after.get(t)) for t in state
                               if state[t] not in (before.get(t), after.get(t))}
                    pytest.fail(f"{action} killed {delay:.3f} s after READY (alive: {alive}) left the database "
                                f"between before and after: (before, found, after) per table {between}")
                seen[-1] += "" if alive else " (finished)"
            outcomes[action] = (round(took, 3), seen, changed)
    print(outcomes)
    # Most kills land while the child is still writing (the moments are drawn within its measured length).
    killed_alive = [s for _, seen, _ in outcomes.values() for s in seen if "finished" not in s]
    assert len(killed_alive) >= KILLS_PER_WRITE, outcomes
