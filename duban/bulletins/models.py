"""A bulletin (督查通报) of one plan, built from a snapshot frozen when it was created. It is numbered
in the office's yearly series (督查通报 2024年第N期, across plans) only when it is issued (印发):
drafts carry no number, so a discarded draft leaves no gap."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Plan


class Bulletin(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        APPROVED = "approved", "已审定"
        PUBLISHED = "published", "已发布"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="bulletins", verbose_name="计划")
    number = models.PositiveIntegerField("期号", null=True, blank=True)
    series_year = models.PositiveIntegerField("年度序列", null=True, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
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
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["series_year", "number"], name="bulletin_number_per_year")]

    def __str__(self) -> str:
        return f"{self.title}({self.series_label})"

    @property
    def series_label(self) -> str:
        """2024年第3期; a bulletin not yet issued has no number."""
        return f"{self.series_year}年第{self.number}期" if self.number else "未编号"
