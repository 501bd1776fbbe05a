"""What the supervision page tests share: the 2024 progress (seed 002) assessed as of 30 November,
so task 14 (AED 300台; 开工建设10处城镇消防站 — 3 started) lags; the people who work on it.

Import the fixtures into a test module: `from tests.web.supervision_fixtures import *`."""
import pytest

# The same ledger, files and hashes as the supervision service tests: one definition.
from tests.supervision.conftest import ASSESSED, PW, plan2024, quick, task14

__all__ = ["ASSESSED", "PW", "page_text", "people", "plan2024", "quick", "signed_in", "task14"]


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
