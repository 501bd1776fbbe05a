from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Every change: who, when, what, before and after. Written only through `duban.core.audit.record`.

    The task a change concerns is named lazily ("ledger.Task"): the core imports nothing above it.
    The table keeps its first name (ledger_auditentry) from when the trail lived in the ledger."""

    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="audit_entries", verbose_name="操作人")
    actor_name = models.CharField("操作人名称", max_length=150)
    action = models.CharField("操作", max_length=60)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象", max_length=60)
    task = models.ForeignKey("ledger.Task", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="audit_entries", verbose_name="任务")
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    summary = models.TextField("摘要", blank=True)

    class Meta:
        db_table = "ledger_auditentry"
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="ledger_audi_object__ac9d52_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
