"""Backup and restore of a PostgreSQL installation (scripts/backup.sh, scripts/restore.sh; README
"备份与恢复 / Backup and restore").

A throwaway database is migrated and filled through the real commands (the five seeds imported; a
unit's progress submitted with an evidence file, which lands under DUBAN_DATA_DIR/media). It is
backed up; then the database is dropped and the files deleted, and restore.sh (creating the
database) brings back every table's every row — the clock's stamps included — and the file byte
for byte. Then the ledger moves on (another import, a file more) and a second restore over it
(pg_restore --clean) brings back the backup's state again, the newer files kept aside. A damaged
backup is refused before anything changes."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import seed
from tests.pg_tools import ROOT, drop_database, duban, duban_env, full_tables, server_or_skip, throwaway_databases

EVIDENCE = b"%PDF-1.4 fire station permits " + bytes(range(256))

SUBMIT = r"""
import sys
from datetime import date
from django.core.files.uploadedfile import SimpleUploadedFile
from duban.django_setup import ensure_schema
ensure_schema()
from duban.ledger.models import Plan, Task
from duban.ledger.workflow import submit_progress
from duban.people.services import add_user
fire = add_user(sys.argv[2], "reporter", unit="市消防救援支队", password="duban-test-password-1")[0]
task = Task.objects.get(plan=Plan.objects.get(year=2024), number="14")
pdf = SimpleUploadedFile(sys.argv[3], open(sys.argv[1], "rb").read(), content_type="application/pdf")
submit_progress(fire, task, date(2024, 11, 30), [], "已开工5处消防站", [pdf], today=date(2024, 11, 30))
"""


def files(media: Path) -> dict[str, str]:
    return {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(media.rglob("*")) if p.is_file()}


def script(name: str, *args: str, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", str(ROOT / "scripts" / name), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    if ok:
        assert done.returncode == 0, (name, done.stdout, done.stderr)
    return done


def submit_evidence(tmp_path: Path, env: dict, user: str, content: bytes, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    done = subprocess.run([sys.executable, "-c", SUBMIT, str(source), user, name], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


def test_backup_then_restore_into_a_fresh_database_and_over_a_changed_one(tmp_path, seeds):
    server_or_skip()
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (the PostgreSQL client tools; apt install postgresql-client)")
    data = tmp_path / "data"
    with throwaway_databases("duban_backup") as make:
        name, url = make("live")
        env = duban_env(url, data)
        duban(["manage", "migrate", "--verbosity", "0"], env)
        duban(["import", *map(str, sorted(seeds.glob("[0-3]*.txt")))], env)
        submit_evidence(tmp_path, env, "fire", EVIDENCE, "开工许可.pdf")
        before, media_before = full_tables(url), files(data / "media")
        assert before["ledger_task"].split(":")[0] != "0" and before["ledger_evidence"].startswith("1:")
        assert list(media_before.values()) == [hashlib.sha256(EVIDENCE).hexdigest()]

        backed = script("backup.sh", str(tmp_path / "backups"), env=env)
        [folder] = (tmp_path / "backups").iterdir()
        assert folder.name.startswith("duban-") and folder.name in backed.stdout and "上传文件 1 个" in backed.stdout
        assert sorted(p.name for p in folder.iterdir()) == ["README.txt", "SHA256SUMS", "ledger.dump", "media.tar.gz"]

        # Everything lost: the database dropped, the files gone. restore.sh makes the database again.
        drop_database(name)
        shutil.rmtree(data / "media")
        refused = script("restore.sh", str(folder), env=env, ok=False)  # no --yes, no terminal: asks, does nothing
        assert refused.returncode == 2 and "--yes" in refused.stderr and not (data / "media").exists()
        restored = script("restore.sh", "--yes", str(folder), env=env)
        assert "已创建数据库" in restored.stdout and "恢复完成" in restored.stdout
        assert full_tables(url) == before
        assert files(data / "media") == media_before
        assert "合计" in duban(["status", "--as-of", "2024-11-30"], env)  # the restored ledger is usable

        # The ledger moves on; a restore over it brings the backup's state back, the newer files kept aside.
        duban(["import", str(seed(seeds, "004"))], env)
        submit_evidence(tmp_path, env, "fire2", b"%PDF-1.4 later", "later.pdf")
        assert full_tables(url) != before
        script("restore.sh", "--yes", str(folder), env=env)
        assert full_tables(url) == before
        assert files(data / "media") == media_before
        [aside] = [p for p in data.iterdir() if p.name.startswith("media.before-restore-")]
        assert len(files(aside)) == 2

        # A damaged backup is refused before anything changes.
        duban(["import", str(seed(seeds, "004"))], env)
        changed = full_tables(url)
        dump = folder / "ledger.dump"
        dump.write_bytes(dump.read_bytes()[:-100])
        damaged = script("restore.sh", "--yes", str(folder), env=env, ok=False)
        assert damaged.returncode == 1 and "校验和不符" in damaged.stderr
        assert full_tables(url) == changed


def test_backup_refuses_without_a_postgresql_database(tmp_path):
    env = duban_env("", tmp_path / "data")
    env.pop("DUBAN_DATABASE_URL")
    done = script("backup.sh", str(tmp_path / "b"), env=env, ok=False)
    assert done.returncode == 2 and "DUBAN_DATABASE_URL" in done.stderr and "duban dump" in done.stderr
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
