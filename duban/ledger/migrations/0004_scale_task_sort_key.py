"""The task's sort key (plan year desc, genre, plan, order) and the indexes that give every list's
first page; the keys of the tasks already there are written here."""

from django.conf import settings
from django.db import migrations, models


def fill_sort_keys(apps, schema_editor):
    from duban.ledger.models.plans import task_sort_key

    Plan, Task = apps.get_model("ledger", "Plan"), apps.get_model("ledger", "Task")
    for plan in Plan.objects.only("id", "year", "genre"):
        tasks = list(Task._base_manager.filter(plan_id=plan.pk).only("id", "order"))
        for t in tasks:
            t.sort_key = task_sort_key(plan.year, plan.genre, plan.pk, t.order)
        Task._base_manager.bulk_update(tasks, ["sort_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_corrections_retired_tasks_milestone_done'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='sort_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=32, verbose_name='排序键'),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(condition=models.Q(('state', 'submitted')), fields=['created_at', 'id'], name='report_review_queue'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('retired_on__isnull', True)), fields=['sort_key', 'id'], name='task_list_order'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('retired_on__isnull', True)), fields=['plan', 'sort_key', 'id'], name='task_plan_list_order'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('retired_on__isnull', True)), fields=['domain', 'sort_key', 'id'], name='task_domain_list_order'),
        ),
    ]
