"""Useful logs (issue 12, item 6): every request has an id, sent back in X-Request-ID and written in
every log line about it; a 500 is one traceback in the log carrying that id, and the user sees a
Chinese page (no inline script or style) telling the same id; a proxy's sane X-Request-ID is kept,
anything else replaced. Each audited step (an import, a review, a case step) is one log line saying
who did what, written when its transaction commits; the command line keeps them out of its output.

Run in processes of their own, so the log goes through duban's real LOGGING to a real stderr."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import seed
from tests.web.test_production_mode import clean_env

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>\S+) \[(?P<rid>[^\]]+)\] "
                  r"(?P<message>.*)$")

SCRIPT = r"""
import sys
from unittest import mock
from duban.django_setup import ensure_schema
ensure_schema()
from django.test import Client, override_settings
from duban.people.services import add_user
office, _ = add_user("office1", "office", password="Office-pass-2024!")
print("START", file=sys.stderr, flush=True)

def show(label, response):
    print(f"REQUEST {label} {response.status_code} {response.headers.get('X-Request-ID')}", file=sys.stderr, flush=True)
    print(f"BODY {label} " + response.content.decode().replace(chr(10), " "), flush=True)

client = Client(raise_request_exception=False)
client.force_login(office)
with override_settings(ROOT_URLCONF="tests.web.boom_urls", DEBUG=False):
    show("boom", client.get("/boom/"))
    show("boom-proxied", client.get("/boom/", HTTP_X_REQUEST_ID="edge-7f3a9c21"))
    show("boom-insane", client.get("/boom/", HTTP_X_REQUEST_ID="<script>alert(1)</script>"))
    show("fine", client.get("/dashboard/"))
    with mock.patch("duban.web.api.plans.viewer", side_effect=RuntimeError("api bug")):
        show("api", client.get("/api/plans"))
"""


def run(tmp_path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False, env=clean_env(DUBAN_DATA_DIR=str(tmp_path / "data"), **env))
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def blocks(stderr: str) -> dict[str, tuple[str, list[str]]]:
    """What was logged for each request (the lines before its REQUEST marker), by label: (id, lines)."""
    out, current = {}, []
    for line in stderr.splitlines():
        if "UserWarning" in line or "mw_instance" in line:
            continue
        if line == "START":
            current = []
        elif line.startswith("REQUEST "):
            _, label, status, rid = line.split()
            out[label] = (status, rid, current)
            current = []
        else:
            current.append(line)
    return out


def test_a_500_is_one_traceback_with_the_request_id_the_page_shows(tmp_path):
    done = run(tmp_path, SCRIPT)
    bodies = dict(line[5:].split(" ", 1) for line in done.stdout.splitlines() if line.startswith("BODY "))
    logged = blocks(done.stderr)

    status, rid, lines = logged["boom"]
    assert status == "500" and re.fullmatch(r"[0-9a-f]{12}", rid)
    assert "服务器内部错误" in bodies["boom"] and rid in bodies["boom"] and "请求编号" in bodies["boom"]
    assert "<script" not in bodies["boom"] and "<style" not in bodies["boom"] and " style=" not in bodies["boom"]
    text = "\n".join(lines)
    assert text.count("Traceback (most recent call last)") == 1, text
    assert "ZeroDivisionError: boom: a bug in a view" in text
    first = LINE.match(lines[0])
    assert first and first["level"] == "ERROR" and first["rid"] == rid and first["message"] == "Internal Server Error: /boom/", text
    assert [line for line in lines if LINE.match(line)] == [lines[0]], text  # one record: the traceback's

    status, rid, lines = logged["boom-proxied"]
    assert (status, rid) == ("500", "edge-7f3a9c21") and "edge-7f3a9c21" in bodies["boom-proxied"]
    assert LINE.match(lines[0])["rid"] == "edge-7f3a9c21" and "\n".join(lines).count("Traceback") == 1

    status, rid, lines = logged["boom-insane"]
    assert re.fullmatch(r"[0-9a-f]{12}", rid) and "alert(1)" not in bodies["boom-insane"]
    assert LINE.match(lines[0])["rid"] == rid

    status, rid, lines = logged["fine"]
    assert status == "200" and re.fullmatch(r"[0-9a-f]{12}", rid) and lines == []
    assert len({logged[k][1] for k in logged}) == len(logged)  # a new id for every request

    status, rid, lines = logged["api"]
    assert status == "500" and rid in bodies["api"] and '"server_error"' in bodies["api"]
    text = "\n".join(lines)
    assert text.count("Traceback") == 1 and "RuntimeError: api bug" in text, text
    assert [LINE.match(line)["rid"] for line in lines if LINE.match(line)] == [rid], text


AUDITED = r"""
import sys
from datetime import date
from duban.django_setup import ensure_schema
ensure_schema()
from django.db import transaction
from duban.ledger.comments import add_comment
from duban.ledger.importer import import_file
from duban.ledger.models import Plan, ProgressReport, Task
from duban.ledger.workflow import review_progress, submit_progress
from duban.people.services import add_user
from duban.supervision.services import open_case_for_lagging_task
day = date(2024, 11, 30)
print("STEP import", file=sys.stderr, flush=True)
import_file(sys.argv[1], actor_name="张三", today=day)
print("STEP users", file=sys.stderr, flush=True)
office = add_user("office1", "office", password="Office-pass-2024!")[0]
fire = add_user("fire1", "reporter", unit="市消防救援支队", password="Office-pass-2024!")[0]
task = Task.objects.get(plan=Plan.objects.get(year=2024), number="14")
print("STEP submit", file=sys.stderr, flush=True)
report = submit_progress(fire, task, day, [], "已开工6处消防站", today=day)
print("STEP review", file=sys.stderr, flush=True)
review_progress(office, report, approve=False, reason="请补充开工照片", expected_version=report.version, today=day)
print("STEP case", file=sys.stderr, flush=True)
open_case_for_lagging_task(office, task, date(2024, 12, 2))
print("STEP undone", file=sys.stderr, flush=True)
try:
    with transaction.atomic():
        add_comment(office, task, "这条评论随事务撤销")
        raise RuntimeError("rolled back")
except RuntimeError:
    pass
print("STEP end", file=sys.stderr, flush=True)
add_comment(office, task, "这条评论留下")
"""


def test_each_import_review_and_case_step_is_one_line_of_who_and_what(tmp_path, seeds):
    done = run(tmp_path, AUDITED, str(seed(seeds, "002")))
    steps, current = {}, None
    for line in done.stderr.splitlines():
        if line.startswith("STEP "):
            current = line[5:]
            steps[current] = []
        elif (m := LINE.match(line)) and m["logger"] == "duban.audit":
            steps[current].append((m["level"], m["rid"], m["message"]))
    [(level, rid, message)] = steps["import"]
    assert level == "INFO" and rid == "-" and message.startswith("张三 import ledger.sourcedocument#")
    assert "002_" in message or "2024" in message, message
    assert any(m.startswith("fire1 progress.submit ledger.progressreport#") and "第14项" in m for _, _, m in steps["submit"])
    assert [m for _, _, m in steps["review"] if "progress.return" in m] == [
        m for _, _, m in steps["review"] if m.startswith("office1 progress.return ledger.progressreport#")]
    assert any("请补充开工照片" in m for _, _, m in steps["review"]), steps["review"]
    assert any(m.startswith("office1 case.open supervision.case#") for _, _, m in steps["case"]), steps["case"]
    assert steps["undone"] == []  # a step rolled back is not logged as done
    kept = [m for _, _, m in steps["end"] if m.startswith("office1 comment.add ledger.comment#")]
    assert len(kept) == 1, steps["end"]  # …and the same step, committed, is
    assert "Traceback" not in done.stderr


def test_the_command_line_prints_what_it_did_without_the_audit_lines(tmp_path, seeds):
    done = subprocess.run([sys.executable, "-m", "duban", "import", str(seed(seeds, "000"))], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False,
                          env=clean_env(DUBAN_DATA_DIR=str(tmp_path / "data")))
    assert done.returncode == 0 and "000_" in done.stdout, done.stderr
    assert "duban.audit" not in done.stderr and "INFO" not in done.stderr, done.stderr


@pytest.mark.django_db
def test_the_id_is_in_the_answer_and_a_proxy_id_must_be_sane(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{12}", first["X-Request-ID"]) and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789")["X-Request-ID"] == "lb-0123456789"
    for insane in ("short", "x" * 65, "a b c d e f", "id\r\nSet-Cookie: x=1", "é" * 10):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=insane)["X-Request-ID"] != insane
