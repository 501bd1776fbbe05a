"""A retired task leads nothing: the lead counts (LeadTally) leave out retired tasks' lead
responsibilities. On PostgreSQL the triggers of 0009 are made again from its (corrected) statements
and the counts filled anew; SQLite keeps no counts."""
import importlib

from django.db import migrations

_tallies = importlib.import_module("duban.ledger.migrations.0009_scale_tallies")


def remake(apps, schema_editor):
    _tallies.drop(apps, schema_editor)
    _tallies.create(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0009_scale_tallies"),
    ]

    operations = [migrations.RunPython(remake, migrations.RunPython.noop)]
