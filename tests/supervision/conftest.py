"""The people and plans the supervision tests share: the 2024 progress (seed 002) assessed as of
30 November, so task 14 (城镇消防站, 市红十字会 and 市消防救援支队) is lagging."""
from datetime import date

import pytest

from tests.conftest import seed

# Django modules are imported inside the fixtures: this conftest loads before Django is set up.

PW = "duban-test-password-1"
ASSESSED = date(2024, 11, 30)


@pytest.fixture(autouse=True)
def quick(settings, tmp_path):
    """Files of the test's own, quick password hashes."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan2024(seeds):
    from duban.ledger.assessment import assess_plan
    from duban.ledger.importer import import_file
    from duban.ledger.models import Plan

    import_file(seed(seeds, "002"), today=ASSESSED)
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

    def user(name, role, unit=None, email=""):
        u = add_user(name, role, unit=unit, password=PW)[0]
        if email:
            u.email = email
            u.save(update_fields=["email"])
        return u

    return {
        "office": user("office", "office", email="office@example.org"),
        "office2": user("office2", "office"),
        "leader": user("leader", "leader", email="leader@example.org"),
        "leader2": user("leader2", "leader"),
        "reviewer": user("reviewer", "reviewer"),
        "fire": user("fire", "reporter", "市消防救援支队", email="fire@example.org"),
        "fire2": user("fire2", "reporter", "市消防救援支队"),
        "redcross": user("redcross", "reporter", "市红十字会"),
        "edu": user("edu", "reporter", "市教育局"),
        "health": user("health", "reporter", "市卫生健康委"),
    }
