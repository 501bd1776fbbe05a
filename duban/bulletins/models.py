"""A numbered bulletin (通报 第N期) of one plan, built from a snapshot frozen when it was created."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Plan


class Bulletin(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        APPROVED = "approved", "已审定"
        PUBLISHED = "published", "已发布"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="bulletins", verbose_name="计划")
    number = models.PositiveIntegerField("期号")
    as_of = models.DateField("截至日期")
    title = models.CharField("标题", max_length=300)
    # Everything the document says, as plain data: rendering it again gives the same document.
    snapshot = models.JSONField("快照")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="bulletins_created", verbose_name="创建人")
    created_by_name = models.CharField("创建人名称", max_length=150, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="bulletins_approved", verbose_name="审定人")
    approved_by_name = models.CharField("审定人名称", max_length=150, blank=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="bulletin_number_per_plan")]

    def __str__(self) -> str:
        return f"{self.title}(第{self.number}期)"
