from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0005_judgement_auditentry_to_core"),
        ("ledger", "0006_merge_sort_key_pending_values"),
    ]

    operations = []
