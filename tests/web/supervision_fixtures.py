"""What the supervision page tests share: the 2024 progress (seed 002) assessed as of 30 November,
so task 14 (AED 300台; 开工建设10处城镇消防站 — 3 started) lags; the people who work on it.

Import the fixtures into a test module: `from tests.web.supervision_fixtures import *`."""
from datetime import date

import pytest

from tests.conftest import seed

PW = "duban-test-password-1"
ASSESSED = date(2024, 11, 30)

__all__ = ["PW", "ASSESSED", "quick", "plan2024", "task14", "people", "signed_in", "page_text"]


@pytest.fixture(autouse=True)
def quick(settings, tmp_path):
    """Files in the test's own folder; quick password hashes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan2024(seeds):
    from duban.ledger.assessment import assess_plan
    from duban.ledger.importer import import_file
    from duban.ledger.models import Plan

    import_file(seed(seeds, "002"))
    plan = Plan.objects.get(year=2024)
    assess_plan(plan.pk, ASSESSED)
    return plan


@pytest.fixture
def task14(plan2024):
    from duban.ledger.models import Task

    return Task.objects.get(plan=plan2024, number="14")


@pytest.fixture
def people(plan2024):
    from duban.people.services import add_user

    def user(name, role, unit=None):
        return add_user(name, role, unit=unit, password=PW)[0]

    return {
        "office": user("office", "office"),
        "leader": user("leader", "leader"),
        "reviewer": user("reviewer", "reviewer"),
        "fire": user("fire", "reporter", "市消防救援支队"),
        "redcross": user("redcross", "reporter", "市红十字会"),
        "edu": user("edu", "reporter", "市教育局"),
    }


def signed_in(user):
    """A client of its own, signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()
