"""Start Django from the CLI or a script, and create the schema a fresh database needs."""
from __future__ import annotations

import os

_ready = False


def setup() -> None:
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    _ready = True


def ensure_schema() -> None:
    """Apply pending migrations (quietly): every command works on a fresh database."""
    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
