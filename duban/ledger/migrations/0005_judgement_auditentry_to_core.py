"""The audit trail now belongs to the core app (duban.core): the ledger forgets the model, the table
stays (state only, no SQL)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0004_domains_suggested"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
