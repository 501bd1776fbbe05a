"""Quiet logs: a 403 (a PermissionDenied raised by a view, or a DubanError refusal, a failed CSRF check) and a 404 are
one line each in the server's log — no traceback, the request's id in it — with DUBAN_DEBUG off and on. Run in a process
of its own, so the log goes through duban's real LOGGING configuration to a real stderr."""
import re
import subprocess
import sys

import pytest

from tests.web.test_production_mode import clean_env
from tests.web.test_request_ids import LINE

SCRIPT = r"""
import sys
from duban.django_setup import ensure_schema
ensure_schema()
from django.test import Client
from duban.people.services import add_user
leader, _ = add_user("leader1", "leader", password="Leader-pass-2024!")
client = Client()
client.force_login(leader)
for path in ["/users/", "/imports/", "/no/such/page/", "/api/tokens/999"]:
    print(f"REQUEST {path} {client.get(path).status_code}", file=sys.stderr, flush=True)
strict = Client(enforce_csrf_checks=True)
strict.force_login(leader)
print(f"REQUEST api-csrf {strict.delete('/api/tokens/999').status_code}", file=sys.stderr, flush=True)
print(f"REQUEST page-csrf {strict.post('/logout/').status_code}", file=sys.stderr, flush=True)
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_refusals_and_missing_pages_are_one_line_each(tmp_path, debug):
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
                          env=clean_env(DUBAN_DATA_DIR=str(tmp_path / "data"), DUBAN_DEBUG=debug))
    assert done.returncode == 0, done.stderr
    log = [line for line in done.stderr.splitlines() if "UserWarning" not in line and "mw_instance" not in line]
    assert "Traceback" not in done.stderr and "File \"" not in done.stderr, done.stderr
    blocks, current = {}, []
    for line in log:
        if line.startswith("REQUEST "):
            blocks[line] = current
            current = []
        elif (m := LINE.match(line)) and m["logger"] == "duban.audit":
            continue  # the account made for the test (one line of who and what: tests/web/test_request_ids.py)
        else:
            m = LINE.match(line)
            assert m and m["level"] == "WARNING" and re.fullmatch(r"[0-9a-f]{12}", m["rid"]), line
            current.append(m["message"])
    assert blocks == {
        "REQUEST /users/ 403": ["Forbidden (Permission denied): /users/"],  # PermissionDenied in the view
        "REQUEST /imports/ 403": ["Forbidden: /imports/"],
        "REQUEST /no/such/page/ 404": ["Not Found: /no/such/page/"],
        "REQUEST /api/tokens/999 405": ["Method Not Allowed: /api/tokens/999"],
        "REQUEST api-csrf 403": ["Forbidden (CSRF cookie not set.): /api/tokens/999"],  # the API, by session
        "REQUEST page-csrf 403": ["Forbidden (CSRF cookie not set.): /logout/"],
    }, done.stderr
