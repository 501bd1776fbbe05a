"""The OpenAPI document describes every endpoint, and no generated request makes the API fail.

Schemathesis generates requests from /api/openapi.json (valid and invalid ones) and calls the
Django WSGI application in-process, inside the test's transaction, with the seeds imported and an
office token, so ids hit real rows sometimes. Every operation must answer without a 5xx.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
import schemathesis
from django.core.management.color import no_style
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from duban.ledger.importer import import_file
from duban.ledger.models import ProgressReport, Task
from duban.ledger.services import get_plan, get_task, record_progress
from duban.people.models import ApiToken
from duban.people.services import add_user
from tests.conftest import seed

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/plans": {"get"}, "/api/plans/{plan_id}": {"get"},
    "/api/tasks": {"get"}, "/api/tasks/{task_id}": {"get"},
    "/api/units": {"get"}, "/api/units/{unit_id}": {"get"},
    "/api/indicators/{indicator_id}": {"get"},
    "/api/progress": {"get", "post"}, "/api/progress/bulk": {"post"}, "/api/progress/{report_id}": {"get"},
    "/api/progress/{report_id}/review": {"post"},
    "/api/assessments": {"get"},
    "/api/tokens": {"get", "post"}, "/api/tokens/{token_id}": {"delete"},
}


def test_the_openapi_document_is_json_with_every_path():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = {path: set(ops) for path, ops in document["paths"].items()}
    assert paths == PATHS
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op.get("security"), f"{method} {path} says nothing about authentication"
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok and all("content" in op["responses"][c] or c == "204" for c in ok), f"{method} {path}"
    public = {path for path, ops in document["paths"].items() if {} in ops.get("get", {}).get("security", [])}
    assert public == {p for p, ops in PATHS.items() if "get" in ops} - {"/api/tokens"}
    assert set(document["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}


def restart_empty_sequences():
    """On PostgreSQL the ids go on from earlier tests (a rollback does not rewind a sequence);
    start the empty tables' from 1 again, so that small generated ids meet the seeds' rows."""
    if connection.vendor != "postgresql":
        return
    empty = [seq for seq in connection.introspection.sequence_list()
             if not connection.introspection.identifier_converter(seq["table"]).startswith("django_")
             and not _has_rows(seq["table"])]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), empty):
            cursor.execute(sql)


def _has_rows(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
        return cursor.fetchone()[0]


@pytest.fixture
def office(seeds, db, settings):
    """The seeds imported (ids from 1), a report of each state, and an office user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 costs 0.5 s a user
    restart_empty_sequences()
    import_file(seed(seeds, "000"))
    import_file(seed(seeds, "002"))
    user = add_user("office", "office", password="a-long-enough-password")[0]
    add_user("hr", "reporter", unit="市人力资源社会保障局", password="a-long-enough-password")
    task = get_task(get_plan("000_2ed4cef8df3e0b07.txt"), "1")
    record_progress(None, task, date(2023, 6, 30), [("城镇新增就业", "15万")], state=ProgressReport.State.SUBMITTED)
    record_progress(None, task, date(2023, 3, 31), [("城镇新增就业", "5万")], state=ProgressReport.State.RETURNED)
    return user


@pytest.fixture
def in_process():
    """Call the WSGI application in the test's transaction: Django would close the connection (and
    so lose the test's data) at each request's start and end, as the test client also prevents."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema():
    """The document as the WSGI application serves it (no database needed to build it). Django's own
    WSGI handler: duban.wsgi refuses to start in production mode (a test server URL) without its keys."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


# Loaded at collection, one test per operation: `schemathesis.pytest.from_fixture` would seed once
# for all of them, but its lazy loader uses `Node._nodeid`, which pytest 9 no longer has.
schema = load_schema()


@schema.parametrize()
@settings(max_examples=20, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, office, in_process):
    assert Task.objects.filter(pk=1).exists()  # ids from 1 up are real rows: the generator meets some
    token = ApiToken.issue(office, "schemathesis")[1]  # a new one each time: DELETE /api/tokens/{id} may revoke it
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
