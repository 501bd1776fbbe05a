"""A run without the shared data fails loudly, naming the missing folders; DUBAN_TESTS_WITHOUT_SHARED=1
runs only the tests that need none of it (those using the seeds are deselected, the rule tests built
with tests/builders.py run). Each case is a real pytest run in a subprocess."""
import os
import subprocess
import sys

from tests.conftest import ROOT


def pytest_run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DUBAN_TESTS_WITHOUT_SHARED", "DUBAN_SHARED", "DJANGO_SETTINGS_MODULE", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT,
                          env=clean | env, capture_output=True, text=True, timeout=300)


def test_a_run_without_the_shared_data_stops_and_names_what_is_missing(tmp_path):
    nowhere = tmp_path / "shared"
    run = pytest_run("tests/ledger/test_milestones_done.py", DUBAN_SHARED=str(nowhere))
    assert run.returncode == 4, run.stdout + run.stderr
    said = run.stdout + run.stderr
    assert f"the shared test data is missing: {nowhere / 'seeds'}" in said
    assert "DUBAN_TESTS_WITHOUT_SHARED=1" in said and " passed" not in said


def test_the_opt_out_runs_the_built_tests_and_deselects_the_seeded_ones(tmp_path):
    nowhere = str(tmp_path / "shared")
    built = pytest_run("tests/ledger/test_milestones_done.py", DUBAN_SHARED=nowhere, DUBAN_TESTS_WITHOUT_SHARED="1")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "8 passed" in built.stdout and "0 tests that need" in built.stdout

    seeded = pytest_run("tests/ledger/test_status.py", "tests/extract/test_readers.py",
                        DUBAN_SHARED=nowhere, DUBAN_TESTS_WITHOUT_SHARED="1")
    assert seeded.returncode == 5, seeded.stdout + seeded.stderr  # nothing left to run: pytest's "no tests"
    assert "deselected" in seeded.stdout and " passed" not in seeded.stdout and "skipped" not in seeded.stdout
