"""The daily run from the command line: urging is idempotent, every plan is reassessed."""
import pytest

from duban.cli import main
from duban.ledger.importer import import_file
from duban.ledger.models import Task
from tests.conftest import seed

pytestmark = pytest.mark.django_db


def test_duban_remind_urges_and_reassesses(seeds, capsys):
    import_file(seed(seeds, "002"))
    assert main(["remind", "--date", "2024-11-30"]) == 0
    out = capsys.readouterr().out
    assert "催办0件" in out and "已评估 15 项任务" in out
    assert Task.objects.get(plan__year=2024, number="14").status in ("滞后", "严重滞后")
