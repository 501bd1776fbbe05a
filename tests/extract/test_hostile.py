"""Hostile documents cost a clear refusal and nothing else (issue 12).

Each bomb of tests/extract/bombs.py — a few kilobytes describing gigabytes — is read as `duban
extract` reads it, in a fresh interpreter whose peak memory (ru_maxrss) is measured: refused with
a Chinese message naming the limit, within 10 s, under the 512 MB budget (the child's peak
resident size, VmHWM; resource.getrusage where /proc is missing). The same through the
worker process the import page uses; the worker's own time and memory limits; and a live server
answering /healthz within a second while bombs are being uploaded.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
import uuid

import pytest

from duban.errors import DocumentLimitExceeded
from duban.extract import extract_text, limits
from duban.extract.isolated import extract_isolated
from tests.conftest import ROOT, seed
from tests.extract.bombs import BOMBS, lying_docx

SECONDS = 10
BUDGET_MB = limits.MEMORY_BUDGET // (1024 * 1024)

# Run in a fresh interpreter: extract the file, report the refusal, the time and the peak memory.
_PROBE = """
import json, resource, sys, time
t = time.perf_counter()
from duban.errors import DubanError
from duban.extract import extract
try:
    plan = extract(sys.argv[1])
    out = {"refused": False, "tasks": len(plan.tasks)}
except DubanError as e:
    out = {"refused": True, "code": e.code, "message": e.message, "limit": getattr(e, "limit", "")}
out["seconds"] = time.perf_counter() - t
# ru_maxrss carries over the forking parent's peak across exec (Linux keeps the larger), so it can
# only overstate; VmHWM is this process's own peak resident size. Both are reported; VmHWM judges.
out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["peak_mb"] = out["ru_maxrss_mb"]
try:
    with open("/proc/self/status") as f:
        out["peak_mb"] = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    pass
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(path) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, cwd=ROOT,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {name: build(folder) for name, (build, _) in BOMBS.items()}


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_quickly_within_the_memory_budget(name, bombs):
    path = bombs[name]
    out = _probe(path)
    assert out["refused"], f"{path.name} ({path.stat().st_size / 1024:.1f} KB) was read: {out}"
    assert out["code"] == "limit_exceeded", out
    assert BOMBS[name][1] in out["message"] and out["message"].endswith("可能是异常文件"), out["message"]
    assert out["message"].startswith(path.name + ": ")
    assert out["seconds"] < SECONDS, out
    assert out["peak_mb"] < BUDGET_MB, out


def test_a_zip_member_larger_than_it_declares_is_not_unpacked(tmp_path):
    """zipfile yields no more than a member's declared size, so the declared sizes checked from
    the directory bound the actual ones: a lying member is refused as broken, cheaply."""
    path = lying_docx(tmp_path)
    out = _probe(path)
    assert out["refused"] and out["code"] == "corrupt", out
    assert out["seconds"] < SECONDS and out["peak_mb"] < BUDGET_MB, out


@pytest.mark.parametrize("name", ["merged-xlsx", "docx-grid-spans", "nested-bold-html", "pdf-flate-500mb"])
def test_the_import_worker_refuses_a_bomb_with_the_same_message(name, bombs):
    path = bombs[name]
    started = time.monotonic()
    with pytest.raises(DocumentLimitExceeded) as refused:
        extract_isolated(path.read_bytes(), path.name)
    assert time.monotonic() - started < SECONDS + 10  # the first call also starts the worker's forkserver
    assert BOMBS[name][1] in refused.value.message


def test_the_worker_reads_a_plain_document_as_the_library_does(seeds):
    path = seed(seeds, "001")
    extracted = extract_isolated(path.read_bytes(), path.name)
    from duban.extract import extract

    assert extracted.plan == extract(path).as_json()
    assert extracted.format == "txt" and extracted.preamble.startswith(path.read_text("utf-8").split("\n")[0].strip())


def test_the_worker_stops_a_document_past_its_time(seeds):
    path = seed(seeds, "003")
    with pytest.raises(DocumentLimitExceeded) as refused:
        extract_isolated(path.read_bytes(), path.name, seconds=0.001)
    assert refused.value.limit == "seconds"
    assert "文档处理时间超过" in refused.value.message


def test_the_worker_stops_a_document_past_its_memory(seeds):
    """The address-space cap is real: with 1 MB to spare, reading 40 copies of a seed (1.6 MB) fails
    inside the worker, and the server's process hears a refusal naming the memory, not an exception."""
    path = seed(seeds, "003")
    with pytest.raises(DocumentLimitExceeded) as refused:
        extract_isolated(path.read_bytes() * 40, path.name, memory=1024 * 1024)
    assert refused.value.limit == "memory_bytes"
    assert "文档处理所需内存超过 1 MB" in refused.value.message


def test_a_figure_too_large_for_a_float_is_no_quantity():
    """The fuzzer's OverflowError (numbers.plain_number): 400 digits, 亿亿亿…, are not quantities."""
    for figure in ("9" * 400 + "万人", "亿" * 60 + "人", "九" + "亿" * 45 + "个"):
        plan = extract_text(f"2024年重点任务\n1. 新增就业{figure},城镇新增就业35万人。牵头单位:市人社局")
        assert [(q.metric, q.value) for q in plan.tasks[0].targets] == [("城镇新增就业", 350000)]
        json.dumps(plan.as_json(), allow_nan=False)


@pytest.mark.django_db
def test_duban_import_refuses_a_bomb_and_stores_nothing(bombs):
    from duban.core.models import AuditEntry
    from duban.ledger.importer import import_file
    from duban.ledger.models import SourceDocument

    for name in ("merged-xlsx", "docx-grid-spans", "nested-bold-html"):
        with pytest.raises(DocumentLimitExceeded) as refused:
            import_file(bombs[name])
        assert BOMBS[name][1] in refused.value.message
    assert not SourceDocument.objects.exists() and not AuditEntry.objects.exists()


# ---------------------------------------------------------------------------------- a live server


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_healthz_while_bombs_are_uploaded(bombs, settings):
    from django.test import Client

    from duban.people.services import add_user
    from tests.web.test_concurrency import waitress_server

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    office, _ = add_user("office-hostile", "office", password="a-long-enough-password")
    client = Client()
    client.force_login(office)
    session = client.cookies[django_settings().SESSION_COOKIE_NAME].value
    csrf = "a" * 32
    uploads = [bombs[n] for n in ("merged-xlsx", "nested-bold-html", "pdf-flate-500mb", "wide-sparse-xlsx")]
    answers: list = []
    with waitress_server(threads=8) as port:  # as `duban serve` runs
        def upload(path) -> None:
            answers.append(_post_file(port, "/imports/", path, session, csrf))

        assert _get(port, "/healthz") == 200  # the first request loads the URLconf and the views: not measured
        uploaders = [threading.Thread(target=upload, args=(p,)) for p in uploads]
        for t in uploaders:
            t.start()
        waits = []
        while any(t.is_alive() for t in uploaders):
            started = time.monotonic()
            status = _get(port, "/healthz")
            waits.append(time.monotonic() - started)
            assert status == 200
            time.sleep(0.05)
        for t in uploaders:
            t.join()
    assert len(waits) >= 3, "the uploads ended before the server could be asked"
    assert max(waits) < 1.0, f"/healthz waited {max(waits):.2f} s (of {len(waits)} requests)"
    assert len(answers) == len(uploads)
    for status, body in answers:
        assert status == 400, (status, body[:500])
        assert "可能是异常文件" in body
    from duban.ledger.models import SourceDocument

    assert not SourceDocument.objects.exists()  # nothing stored


def django_settings():
    from django.conf import settings

    return settings


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _post_file(port: int, path: str, file, session: str, csrf: str) -> tuple[int, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"{file.name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + file.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    cookies = f"{django_settings().SESSION_COOKIE_NAME}={session}; {django_settings().CSRF_COOKIE_NAME}={csrf}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookies,
            "Host": "localhost", "Referer": "http://localhost/imports/"})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()
