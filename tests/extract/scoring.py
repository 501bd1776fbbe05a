"""The project's scorer (../shared/tools/score.py), used as a library and as the command the issues name."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

from tests.conftest import SHARED


@cache
def scorer():
    """score.py as a module: score_pair, overall, table."""
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_command_scores(docs: Path, gold: Path, *, overall: float, every_field: float) -> None:
    """`score.py --run 'duban extract {doc}'` over a folder: overall and every field's F1 at least these."""
    done = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score.py"), "--gold", str(gold), "--docs", str(docs),
         "--run", f"{sys.executable} -m duban extract {{doc}}", "--json"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["overall"] >= overall, (docs, figures["overall"])
    for field, fig in figures["total"].items():
        if "f1" in fig and (fig["gold"] or fig["pred"]):
            assert fig["f1"] >= every_field, (docs, field, fig)
