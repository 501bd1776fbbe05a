"""The audit trail moves from the ledger to the core: the table (ledger_auditentry) stays as it is,
only Django's idea of which app owns it changes (state only, no SQL)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("ledger", "0004_domains_suggested"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("actor_name", models.CharField(max_length=150, verbose_name="操作人名称")),
                        ("action", models.CharField(max_length=60, verbose_name="操作")),
                        ("object_type", models.CharField(max_length=60, verbose_name="对象类型")),
                        ("object_id", models.CharField(max_length=60, verbose_name="对象")),
                        ("before", models.JSONField(blank=True, null=True, verbose_name="修改前")),
                        ("after", models.JSONField(blank=True, null=True, verbose_name="修改后")),
                        ("summary", models.TextField(blank=True, verbose_name="摘要")),
                        ("actor", models.ForeignKey(blank=True, null=True,
                                                    on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="audit_entries", to=settings.AUTH_USER_MODEL,
                                                    verbose_name="操作人")),
                        ("task", models.ForeignKey(blank=True, null=True,
                                                   on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="audit_entries", to="ledger.task",
                                                   verbose_name="任务")),
                    ],
                    options={
                        "verbose_name": "审计记录",
                        "verbose_name_plural": "审计记录",
                        "db_table": "ledger_auditentry",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["object_type", "object_id"],
                                                 name="ledger_audi_object__ac9d52_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
