"""调整 / 延期申请: a lead unit asks to change an indicator's target or a milestone's due date; the
office decides. The original value stays on the request: the ledger models are not changed in shape."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Indicator, Milestone, Task, Unit


class ChangeRequest(models.Model):
    class Kind(models.TextChoices):
        TARGET = "target", "指标目标调整"
        DUE = "due", "时间节点延期"

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="change_requests", verbose_name="任务")
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="change_requests", verbose_name="指标")
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="change_requests", verbose_name="时间节点")
    subject = models.CharField("调整对象", max_length=300, help_text="申请时指标或节点的名称,对象删除后仍可读")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="change_requests", verbose_name="申请单位")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="change_requests", verbose_name="申请人")
    requested_on = models.DateField("申请日期")
    reason = models.TextField("申请理由")
    original_value = models.FloatField("原目标值", null=True, blank=True)
    requested_value = models.FloatField("申请目标值", null=True, blank=True)
    original_due = models.DateField("原截止日期", null=True, blank=True)
    requested_due = models.DateField("申请截止日期", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="decided_change_requests", verbose_name="审核人")
    decided_on = models.DateField("审核日期", null=True, blank=True)
    decision_reason = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "调整延期申请"
        ordering = ["-requested_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(kind="target", indicator__isnull=False, milestone__isnull=True)
                       | models.Q(kind="due", milestone__isnull=False, indicator__isnull=True)
                       | models.Q(indicator__isnull=True, milestone__isnull=True)),  # its object deleted since
            name="change_names_one_object")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.subject}"

    def path(self) -> str:
        return f"/changes/{self.pk}/"

    @property
    def original_display(self) -> str:
        return self._show(self.original_value, self.original_due)

    @property
    def requested_display(self) -> str:
        return self._show(self.requested_value, self.requested_due)

    def _show(self, value, due) -> str:
        if self.kind == self.Kind.DUE:
            return "未定" if due is None else f"{due:%Y-%m-%d}"
        unit = self.indicator.unit if self.indicator_id else ""
        return "" if value is None else f"{value:g}{unit}"
