import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The shared data (seeds, gold, corpus, the scorer) beside the checkout; DUBAN_SHARED names another place.
SHARED = Path(os.environ.get("DUBAN_SHARED") or ROOT.parent / "shared")
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold"
SHARED_FOLDERS = (SEEDS, GOLD, SHARED / "corpus", SHARED / "tools")
# DUBAN_TESTS_WITHOUT_SHARED=1: run only the tests that need none of it (the others are deselected).
WITHOUT_SHARED = os.environ.get("DUBAN_TESTS_WITHOUT_SHARED", "") == "1"
SHARED_FIXTURES = {"seeds", "gold"}  # a test using one of these (directly or through others) needs the data


def missing_shared() -> list[Path]:
    return [p for p in SHARED_FOLDERS if not p.is_dir()]


def _require_shared(config) -> None:
    """A run without the shared data fails at once, naming what is missing, instead of skipping most of
    the suite; DUBAN_TESTS_WITHOUT_SHARED=1 is the explicit way to run only the tests that need none."""
    config.addinivalue_line("markers", "shared: the test reads ../shared (seeds, gold, corpus or the scorer)")
    missing = missing_shared()
    if missing and not WITHOUT_SHARED:
        pytest.exit("the shared test data is missing: " + ", ".join(str(p) for p in missing)
                    + f" (expected beside the checkout at {SHARED}, or where DUBAN_SHARED says). "
                    "Put it there, or set DUBAN_TESTS_WITHOUT_SHARED=1 to run only the tests that do not need it.",
                    returncode=4)


def needs_shared(item) -> bool:
    return item.get_closest_marker("shared") is not None or bool(SHARED_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    if not WITHOUT_SHARED:
        return
    kept, dropped = [], []
    for item in items:
        (dropped if needs_shared(item) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"DUBAN_TESTS_WITHOUT_SHARED=1: {len(dropped)} tests that need {SHARED} deselected, "
                            f"{len(kept)} run")


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():  # only reached when a test needing it was not deselected: a bug of the marking
        pytest.fail(f"{SEEDS} is missing (the test needs ../shared; see DUBAN_TESTS_WITHOUT_SHARED in README)")
    return SEEDS


@pytest.fixture(scope="session")
def gold() -> Path:
    if not GOLD.is_dir():
        pytest.fail(f"{GOLD} is missing (the test needs ../shared; see DUBAN_TESTS_WITHOUT_SHARED in README)")
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
#   unset                         → SQLite (a file in the data dir); an inherited DUBAN_DATABASE_URL is ignored
# The data dir is always a fresh temporary one.
# ---------------------------------------------------------------------------------------------
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402


def pytest_configure(config):
    import django.conf

    _require_shared(config)

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
    """The test database: on SQLite a file in the run's data dir; on PostgreSQL one database per run
    (test_<name>_<pid>): two runs at once don't drop each other's database, and those left by aborted
    runs are dropped here when nobody uses them."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # not Django's shared-cache memory database: there a lock conflict fails at once (no busy
        # wait), so twenty writers at once could all lose; a file has the WAL and timeout duban runs with
        db.setdefault("TEST", {})["NAME"] = str(Path(os.environ["DUBAN_DATA_DIR"]) / "test.sqlite3")
        return
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
