"""The tree stays as ruff's configuration in pyproject.toml wants it (the project's own rule set)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is not installed in this environment: `pip install -e '.[test]'` installs it")
    done = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "duban", "tests", "bench"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
