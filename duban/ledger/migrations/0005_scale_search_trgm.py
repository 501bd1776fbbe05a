"""Chinese search with an index on PostgreSQL: pg_trgm GIN indexes on the task's number, title,
content and domain and on the unit's name (duban.ledger.search). SQLite keeps a plain scan: nothing
is done there."""
from django.db import migrations

INDEXES = (  # (index, table, column)
    ("task_number_trgm", "ledger_task", "number"),
    ("task_title_trgm", "ledger_task", "title"),
    ("task_content_trgm", "ledger_task", "content"),
    ("task_domain_trgm", "ledger_task", "domain"),
    ("unit_name_trgm", "ledger_unit", "name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ("{column}" gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0004_scale_task_sort_key"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
