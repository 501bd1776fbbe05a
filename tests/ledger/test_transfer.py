"""Moving a ledger: dump → load brings back every field of every row (bytes, microseconds, ids);
a load refuses a ledger that holds data and a file that is not whole, and then changes nothing;
a real SQLite → PostgreSQL move through two processes gives the same rows."""
from __future__ import annotations

import gzip
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from duban.errors import DubanError
from tests.ledger.sample_ledger import RAW_BYTES, build_small_ledger, snapshot

ROOT = Path(__file__).resolve().parents[2]


def transfer():
    from duban.ledger import transfer as module

    return module


def wipe() -> None:
    t = transfer()
    t._wipe(t.transfer_models(), "default")


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in transfer().transfer_models()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ledger.json", "ledger.json.gz"])
def test_dump_wipe_load_brings_back_every_field_of_every_row(tmp_path, name):
    from duban.ledger.models import Plan, SourceDocument

    build_small_ledger()
    before = snapshot()
    counts = transfer().dump(tmp_path / name)
    assert counts["ledger.observation"] == 2 and counts["auth.user"] == 1 and counts["core.auditentry"] == 2
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left beside it

    raw = (tmp_path / name).read_bytes()
    doc = json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)
    assert doc["format"] == "duban.ledger/1" and doc["created"] and doc["counts"] == counts
    assert sum(counts.values()) == len(doc["objects"])

    wipe()
    assert not any(row_counts().values())
    loaded = transfer().load(tmp_path / name)
    assert loaded == {label: n for label, n in counts.items() if n}

    after = snapshot()
    assert after == before  # every field, every row, the same primary keys
    assert bytes(SourceDocument.objects.get().content) == RAW_BYTES
    created_at = next(o for o in after if o["model"] == "ledger.plan")["fields"]["created_at"]
    assert created_at.microsecond == Plan.objects.get().created_at.microsecond  # kept, not stamped anew

    # The next id after the loaded ones (PostgreSQL's sequences were moved on).
    old = Plan.objects.get()
    new = Plan.objects.create(city=old.city, year=2025, genre=old.genre, title="下一年")
    assert new.pk > old.pk


@pytest.mark.django_db
def test_users_permissions_and_password_come_back(tmp_path):
    from django.contrib.auth import authenticate
    from django.contrib.auth.models import User

    build_small_ledger()
    transfer().dump(tmp_path / "l.json")
    wipe()
    transfer().load(tmp_path / "l.json")
    user = User.objects.get(username="duchashi")
    assert [g.name for g in user.groups.all()] == ["督查室"]
    assert user.has_perm("ledger.view_plan") and user.has_perm("ledger.change_task")
    assert authenticate(username="duchashi", password="a-long-enough-password") == user


@pytest.mark.django_db
def test_loading_into_a_ledger_that_holds_data_is_refused_and_changes_nothing(tmp_path):
    build_small_ledger()
    transfer().dump(tmp_path / "l.json.gz")
    before = snapshot()
    with pytest.raises(DubanError) as refused:
        transfer().load(tmp_path / "l.json.gz")
    assert refused.value.code == "not_empty"
    assert "不是空的" in refused.value.message and "计划 1 条" in refused.value.message
    assert snapshot() == before

    # replace=True deletes the ledger first, then loads the file: the same rows again.
    transfer().load(tmp_path / "l.json.gz", replace=True)
    assert snapshot() == before


def _damaged(tmp_path: Path, how: str) -> Path:
    good = tmp_path / "good.json.gz"
    transfer().dump(good)
    packed = good.read_bytes()
    text = gzip.decompress(packed)
    bad = tmp_path / f"bad-{how}"
    if how == "truncated-gzip":
        bad.write_bytes(packed[: len(packed) // 2])
    elif how == "truncated-json":
        bad.write_bytes(text[: len(text) * 2 // 3])
    elif how == "not-json":
        bad.write_bytes(b"PK\x03\x04 this is a zip, not a ledger")
    elif how == "wrong-format":
        doc = json.loads(text)
        doc["format"] = "duban.plan/1"
        bad.write_text(json.dumps(doc))
    elif how == "row-missing":
        doc = json.loads(text)
        doc["objects"] = [o for o in doc["objects"] if o["model"] != "ledger.milestone"]
        bad.write_text(json.dumps(doc))
    elif how == "unknown-model":
        doc = json.loads(text)
        doc["objects"].append({"model": "ledger.nosuchthing", "pk": 1, "fields": {}})
        doc["counts"]["ledger.nosuchthing"] = 1
        bad.write_text(json.dumps(doc))
    elif how == "line-missing":  # the layout dump() writes, one object a line: a line gone
        lines = text.decode().splitlines(keepends=True)
        del lines[len(lines) // 2]
        bad.write_text("".join(lines))
    elif how == "garbage-after":
        bad.write_bytes(text + b"{}\n")
    elif how == "missing":
        pass
    return bad


@pytest.mark.django_db
@pytest.mark.parametrize("how, words", [
    ("truncated-gzip", "压缩文件不完整"),
    ("truncated-json", "无法解析为 JSON"),
    ("not-json", "无法解析为 JSON"),
    ("wrong-format", "格式标记应为 duban.ledger/1"),
    ("row-missing", "条数不符"),
    ("unknown-model", "不认识的数据类型"),
    ("line-missing", "条数不符"),
    ("garbage-after", "无法解析为 JSON"),
    ("missing", "文件不存在"),
])
def test_a_damaged_file_is_refused_in_plain_words_and_changes_nothing(tmp_path, how, words):
    build_small_ledger()
    bad = _damaged(tmp_path, how)
    before = snapshot()
    # Not even replace=True lets a bad file delete the ledger.
    with pytest.raises(DubanError) as refused:
        transfer().load(bad, replace=True)
    assert words in refused.value.message
    assert snapshot() == before

    wipe()
    with pytest.raises(DubanError):
        transfer().load(bad)
    assert not any(row_counts().values())


@pytest.mark.django_db
def test_a_dump_reformatted_by_hand_still_loads_and_check_reads_a_file_through(tmp_path):
    build_small_ledger()
    before = snapshot()
    counts = transfer().dump(tmp_path / "l.json")
    assert transfer().check(tmp_path / "l.json") == counts
    doc = json.loads((tmp_path / "l.json").read_text("utf-8"))
    (tmp_path / "pretty.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), "utf-8")
    wipe()
    transfer().load(tmp_path / "pretty.json")
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_file_the_database_rejects_is_undone_as_a_whole(tmp_path):
    """A checkpoint pointing at a milestone that is not in the file: the database refuses at commit."""
    build_small_ledger()
    transfer().dump(tmp_path / "l.json")
    doc = json.loads((tmp_path / "l.json").read_text("utf-8"))
    for o in doc["objects"]:
        if o["model"] == "ledger.checkpoint":
            o["fields"]["milestone"] = 9999
    (tmp_path / "l.json").write_text(json.dumps(doc))
    wipe()
    with pytest.raises(DubanError) as refused:
        transfer().load(tmp_path / "l.json")
    assert refused.value.code == "load_failed" and "已全部撤销" in refused.value.message
    assert not any(row_counts().values())


@pytest.mark.django_db
def test_a_failed_dump_leaves_no_file_and_keeps_an_older_one(tmp_path, monkeypatch):
    build_small_ledger()
    target = tmp_path / "l.json"
    target.write_text("the previous dump")

    def broken(rows, size):
        raise OSError(28, "No space left on device")
        yield  # a generator, like the real one

    monkeypatch.setattr(transfer(), "_chunks", broken)
    with pytest.raises(DubanError) as failed:
        transfer().dump(target)
    assert "无法写入" in failed.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["l.json"]
    assert target.read_text() == "the previous dump"


# --------------------------------------------------------------- SQLite → PostgreSQL, for real


def _server_url() -> str:
    return os.environ.get("DUBAN_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture
def fresh_postgres_database():
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    admin_url = _with_database(_server_url(), "postgres")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.Error as e:
        pytest.skip(f"no PostgreSQL answers at {urlsplit(admin_url).hostname}: {str(e).strip()[:80]}")
    name = f"duban_rt_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield _with_database(_server_url(), name)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(command: list[str], *, database_url: str | None, data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DUBAN_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DUBAN_DATABASE_URL"] = database_url
    result = subprocess.run([sys.executable, "-m", "tests.ledger.sample_ledger", *command], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]


def _objects(path: Path) -> list[dict]:
    return json.loads(gzip.decompress(path.read_bytes()))["objects"]


def test_a_sqlite_ledger_moves_to_a_fresh_postgresql_database(tmp_path, fresh_postgres_database):
    sqlite_dir, pg_dir = tmp_path / "sqlite", tmp_path / "pg"
    _run(["build"], database_url=None, data_dir=sqlite_dir)
    _run(["dump", str(tmp_path / "from-sqlite.json.gz")], database_url=None, data_dir=sqlite_dir)
    assert (sqlite_dir / "duban.sqlite3").is_file()

    _run(["load", str(tmp_path / "from-sqlite.json.gz")], database_url=fresh_postgres_database, data_dir=pg_dir)
    _run(["dump", str(tmp_path / "from-postgres.json.gz")], database_url=fresh_postgres_database, data_dir=pg_dir)
    assert not (pg_dir / "duban.sqlite3").exists()

    moved, back = _objects(tmp_path / "from-sqlite.json.gz"), _objects(tmp_path / "from-postgres.json.gz")
    assert len(moved) > 20
    assert back == moved


def _duban(args: list[str], *, database_url: str | None, data_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DUBAN_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DUBAN_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DUBAN_DATABASE_URL"] = database_url
    result = subprocess.run([sys.executable, "-m", "duban", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_seeds_ledger_gives_the_same_status_after_moving_to_postgresql(tmp_path, seeds, fresh_postgres_database):
    """The issue's round trip, through the real command: import the seeds into SQLite, dump, load
    into a fresh PostgreSQL database; `duban status` prints the same on both."""
    sqlite_dir, pg_dir = tmp_path / "sqlite", tmp_path / "pg"
    _duban(["import", *map(str, sorted(seeds.glob("*.txt")))], database_url=None, data_dir=sqlite_dir)
    _duban(["progress", "add", "--plan", "000_2ed4cef8df3e0b07.txt", "--task", "1", "--as-of", "2023-06-30",
            "--value", "城镇新增就业=15万"], database_url=None, data_dir=sqlite_dir)
    _duban(["dump", str(tmp_path / "seeds.json.gz")], database_url=None, data_dir=sqlite_dir)
    _duban(["load", str(tmp_path / "seeds.json.gz")], database_url=fresh_postgres_database, data_dir=pg_dir)
    for as_of in ("2023-06-30", "2024-11-30"):
        args = ["status", "--as-of", as_of, "--format", "json"]
        on_sqlite = json.loads(_duban(args, database_url=None, data_dir=sqlite_dir))
        on_postgres = json.loads(_duban(args, database_url=fresh_postgres_database, data_dir=pg_dir))
        assert len(on_sqlite) == 186 and on_postgres == on_sqlite


@pytest.mark.django_db
def test_a_dump_written_when_the_audit_trail_lived_in_the_ledger_still_loads(tmp_path):
    """The audit trail moved from the ledger to the core app: a dump naming its rows ledger.auditentry
    (as dumps before the move did) loads them as core.auditentry, every row back."""
    from duban.core.models import AuditEntry

    build_small_ledger()
    before = snapshot()
    path = tmp_path / "old.json"
    transfer().dump(path)
    text = path.read_text("utf-8")
    assert '"core.auditentry"' in text
    path.write_text(text.replace('"core.auditentry"', '"ledger.auditentry"'), "utf-8")
    assert transfer().check(path)["core.auditentry"] == 2
    wipe()
    assert not AuditEntry.objects.exists()
    assert transfer().load(path)["core.auditentry"] == 2
    assert snapshot() == before
