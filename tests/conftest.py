from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    return SEEDS


@pytest.fixture(scope="session")
def gold() -> Path:
    if not GOLD.is_dir():
        pytest.skip("../shared/gold is not beside the checkout")
    return GOLD


def seed(seeds: Path, prefix: str) -> Path:
    return next(seeds.glob(prefix + "_*.txt"))


# ---------------------------------------------------------------------------------------------
# Django and the test database.
#
# DJANGO_SETTINGS_MODULE is set here and NOT in pyproject's [tool.pytest.ini_options]: given
# there, pytest-django loads duban.settings before any conftest runs, so the settings would
# read the developer's own DUBAN_DATA_DIR / DUBAN_DATABASE_URL instead of the ones below.
#
#   DUBAN_TEST_DATABASE_URL set   → the tests run on that PostgreSQL server (pytest-django
#                                   creates test_<name>_<pid> there and drops it at the end)
#   unset                         → SQLite (in memory); an inherited DUBAN_DATABASE_URL is ignored
# The data dir is always a fresh temporary one.
# ---------------------------------------------------------------------------------------------
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402


def pytest_configure(config):
    import django.conf

    if django.conf.settings.configured:  # DJANGO_SETTINGS_MODULE came from outside and was loaded already
        if "DUBAN_DATA_DIR" not in os.environ or (
                os.environ.get("DUBAN_TEST_DATABASE_URL", "") != os.environ.get("DUBAN_DATABASE_URL", "")):
            pytest.exit("Django settings were loaded before tests/conftest.py could choose the test data dir and "
                        "database: unset DJANGO_SETTINGS_MODULE (and don't pass --ds)", returncode=4)
        return
    data_dir = tempfile.mkdtemp(prefix="duban-test-")
    config.add_cleanup(lambda: shutil.rmtree(data_dir, ignore_errors=True))
    os.environ["DUBAN_DATA_DIR"] = data_dir
    if os.environ.get("DUBAN_TEST_DATABASE_URL"):
        os.environ["DUBAN_DATABASE_URL"] = os.environ["DUBAN_TEST_DATABASE_URL"]
    else:
        os.environ.pop("DUBAN_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    django.conf.settings.DATABASES  # noqa: B018 — load them now; pytest-django's own pytest_configure
    #                                  (trylast) then runs django.setup()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Django's cache outlives a test's transaction; the login throttle counts in it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, one test database per run (test_<name>_<pid>): two runs at once don't drop
    each other's database, and those left by aborted runs are dropped here when nobody uses them."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    prefix = f"test_{db['NAME']}_"
    test = db.setdefault("TEST", {})
    if not test.get("NAME"):
        test["NAME"] = f"{prefix}{os.getpid()}"[:63]
    if db.get("HOST", "") in ("", "localhost", "127.0.0.1", "::1"):  # pids only mean something on this host
        _drop_stale_test_databases(db, prefix)


def _drop_stale_test_databases(db: dict, prefix: str) -> None:
    import psycopg
    from psycopg import sql

    params = {k: v for k, v in {"host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER"),
                                 "password": db.get("PASSWORD")}.items() if v}
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as conn:
            names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                                [prefix.replace("_", r"\_") + "%"])]
            for name in names:
                tail = name[len(prefix):]
                if not re.fullmatch(r"\d+", tail) or _alive(int(tail)):
                    continue
                try:
                    conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))  # refused while in use
                except psycopg.Error:
                    pass
    except psycopg.Error:
        pass  # no maintenance database to look at: Django's own creation reports real problems


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
