"""Throwaway PostgreSQL databases of a test's own (not pytest-django's), `duban` run against them in
a process of its own, and what a database holds, table by table, for comparing two states.

The server is the one DUBAN_TEST_DATABASE_URL names, else postgres@127.0.0.1:5432 (trust auth).
A test that needs it calls `server_or_skip()`: the skip says that no PostgreSQL answers, and only
then is the test skipped."""
from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "k" + secrets.token_urlsafe(60)  # production mode: a real key and hosts, as an installation has
# Timestamps stamped by the clock (created_at, published_at …) differ between two runs of one action; every
# other column is compared.
CLOCK_TYPES = ("timestamp with time zone", "timestamp without time zone")


def server_url() -> str:
    return os.environ.get("DUBAN_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


def url_of(name: str) -> str:
    return urlunsplit(urlsplit(server_url())._replace(path="/" + name))


def _admin():
    import psycopg

    return psycopg.connect(url_of("postgres"), autocommit=True, connect_timeout=3)


def server_or_skip() -> None:
    psycopg = pytest.importorskip("psycopg")
    try:
        _admin().close()
    except psycopg.Error as e:
        pytest.skip(f"no PostgreSQL answers at {urlsplit(server_url()).netloc} (the test needs a real server): "
                    f"{str(e).strip()[:80]}")


def create_database(name: str, *, template: str | None = None) -> str:
    from psycopg import sql

    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if template:
            wait_idle(template)
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                            sql.Identifier(template)))
        else:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url_of(name)


def drop_database(name: str) -> None:
    from psycopg import sql

    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def wait_idle(name: str, timeout: float = 10) -> None:
    """Until no session is connected to `name` (a killed client's backend ends its transaction, then goes)."""
    deadline = time.monotonic() + timeout
    with _admin() as admin:
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            [name]).fetchone()[0]:
            if time.monotonic() > deadline:
                raise AssertionError(f"sessions still connected to {name} after {timeout} s")
            time.sleep(0.05)


@contextmanager
def throwaway_databases(prefix: str):
    """A factory of databases named <prefix>_<random>_<what>, all dropped at the end."""
    tag = f"{prefix}_{secrets.token_hex(3)}"
    made: list[str] = []

    def make(what: str, *, template: str | None = None) -> tuple[str, str]:
        name = f"{tag}_{what}"
        url = create_database(name, template=template)
        made.append(name)
        return name, url

    try:
        yield make
    finally:
        for name in reversed(made):
            drop_database(name)


def duban_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(PYTHONPATH=str(ROOT), DUBAN_DATABASE_URL=database_url, DUBAN_DATA_DIR=str(data_dir),
               DUBAN_SECRET_KEY=SECRET_KEY, DUBAN_ALLOWED_HOSTS="duban.example.gov.cn", **extra)
    return env


def duban(args: list[str], env: dict[str, str], *, timeout: float = 300) -> str:
    """The real command (.venv/bin/duban, i.e. duban.cli.main) in a process of its own; its output."""
    done = subprocess.run([sys.executable, "-m", "duban", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout


def tables(url: str) -> dict[str, tuple[int, str]]:
    """Every table of the database: (rows, a digest of every row's content but the clock's stamps)."""
    import psycopg
    from psycopg import sql

    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        for name in names:
            columns = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s"
                " AND data_type <> ALL(%s) ORDER BY ordinal_position", [name, list(CLOCK_TYPES)])]
            row = sql.SQL("ROW({})::text").format(sql.SQL(", ").join(map(sql.Identifier, columns)))
            count, digest = conn.execute(sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) FROM (SELECT {} AS r FROM {}) s"
            ).format(row, sql.Identifier(name))).fetchone()
            out[name] = (count, digest)
    return out


def full_tables(url: str) -> dict[str, str]:
    """Every table's whole content, the clock's stamps included (a digest of every row), and where
    every sequence stands (the next id)."""
    import psycopg
    from psycopg import sql

    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        for name in names:
            rows = conn.execute(sql.SQL("SELECT t::text FROM {} t").format(sql.Identifier(name))).fetchall()
            out[name] = f"{len(rows)}:" + hashlib.sha256("\n".join(sorted(r[0] for r in rows)).encode()).hexdigest()
        for name, last in conn.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"):
            out[f"sequence {name}"] = str(last)
    return out
