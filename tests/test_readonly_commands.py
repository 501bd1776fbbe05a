"""Read-only commands write nothing: `duban extract`, `duban status` and `--help`, run in an empty
directory, leave it empty (no data dir, no secret key, no database); the commands that write make
the data dir and the key (kept, private), and `duban status` on that ledger changes none of it."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import seed

ROOT = Path(__file__).resolve().parents[1]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_") and k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "duban", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=300)


def snapshot(path: Path) -> dict[str, str]:
    """Every file under `path` with a digest of its content."""
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(path.rglob("*"))}


def test_read_only_commands_leave_an_empty_directory_empty(tmp_path, seeds):
    plan = seed(seeds, "000")
    extracted = run(tmp_path, "extract", str(plan))
    assert extracted.returncode == 0, extracted.stderr
    assert '"tasks"' in extracted.stdout
    status = run(tmp_path, "status")
    assert status.returncode == 0 and status.stdout.strip() == "合计 0 项:", status.stderr
    as_json = run(tmp_path, "status", "--format", "json")
    assert as_json.returncode == 0 and as_json.stdout.strip() == "[]"
    unknown = run(tmp_path, "status", "--plan", "2024")
    assert unknown.returncode == 2 and "台账还是空的" in unknown.stderr
    for args in (["--help"], ["extract", "--help"], ["status", "--help"], ["serve", "--help"], ["import", "--help"]):
        shown = run(tmp_path, *args)
        assert shown.returncode == 0 and "用法" in shown.stdout, args
    assert snapshot(tmp_path) == {}


def test_manage_help_and_the_other_read_only_commands_make_no_data_dir(tmp_path):
    """Django's help, version, check and diffsettings, the unit and account lists, a dump of a ledger
    that is not there: each answers, and the directory stays empty."""
    for args, says in ((["manage", "help"], "migrate"), (["manage"], "migrate"), (["manage", "help", "migrate"], "用法"),
                       (["manage", "version"], "."), (["manage", "check"], "no issues"),
                       (["manage", "diffsettings"], "DATABASES"),
                       (["units"], "还没有单位"), (["users", "list"], "共 0 个账号")):
        shown = run(tmp_path, *args)
        assert shown.returncode == 0 and says in shown.stdout, (args, shown.stderr)
        assert snapshot(tmp_path) == {}, args
    for args in (["dump", str(tmp_path.parent / f"{tmp_path.name}-ledger.json")],
                 ["export", "--plan", "2024", "-o", str(tmp_path.parent / f"{tmp_path.name}.xlsx")]):
        refused = run(tmp_path, *args)
        assert refused.returncode == 2 and "台账还是空的" in refused.stderr, (args, refused.stderr)
        assert snapshot(tmp_path) == {}, args
    assert not (tmp_path.parent / f"{tmp_path.name}-ledger.json").exists()
    # …and manage's writing commands still make it (migrate builds the database there).
    migrated = run(tmp_path, "manage", "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "data" / "duban.sqlite3").is_file() and (tmp_path / "data" / "secret_key").is_file()
    assert run(tmp_path, "units").stdout.strip() == ""  # a ledger now, with no units in it


def test_writing_commands_make_the_data_dir_and_status_then_reads_it_unchanged(tmp_path, seeds):
    imported = run(tmp_path, "import", str(seed(seeds, "000")))
    assert imported.returncode == 0, imported.stderr
    key = tmp_path / "data" / "secret_key"
    assert key.is_file() and oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text().strip()) >= 50
    assert (tmp_path / "data" / "duban.sqlite3").is_file()
    before = snapshot(tmp_path)
    status = run(tmp_path, "status", "--as-of", "2023-12-31")
    assert status.returncode == 0, status.stderr
    assert "合计 16 项" in status.stdout
    assert snapshot(tmp_path) == before  # nothing written, the database file byte for byte as it was
    again = run(tmp_path, "import", str(seed(seeds, "000")))
    assert again.returncode == 0, again.stderr
    assert snapshot(tmp_path)["data/secret_key"] == before["data/secret_key"]  # the key is kept
