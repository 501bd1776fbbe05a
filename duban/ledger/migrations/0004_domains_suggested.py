from django.db import migrations, models


def suggest_missing_domains(apps, schema_editor):
    """Tasks already in the ledger without a domain get a suggested one, as new imports do."""
    from duban.ledger.domains import suggest_domain

    Task = apps.get_model("ledger", "Task")
    for task in Task.objects.filter(domain="").select_related("section").iterator():
        domain = suggest_domain(task.section.title if task.section else "", task.title, task.content)
        if domain:
            Task.objects.filter(pk=task.pk).update(domain=domain, domain_suggested=True)


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_corrections_retired_tasks_milestone_done"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="domain_suggested",
            field=models.BooleanField(default=False, verbose_name="领域为建议"),
        ),
        migrations.RunPython(suggest_missing_domains, migrations.RunPython.noop),
    ]
