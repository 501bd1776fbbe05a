from django.conf import settings
from django.db import models

from duban.ledger.models.documents import SourceDocument
from duban.ledger.models.plans import Indicator, Task


class ProgressReport(models.Model):
    """What a unit reported of a task as of a date (进展情况), from a document, a form or the API."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name="任务")
    as_of = models.DateField("截至日期")
    text = models.TextField("进展情况", blank=True)
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="reports", verbose_name="来源文档")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="reports", verbose_name="填报人")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.APPROVED)
    review_note = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)
    # Milestones the report says are done (ids); the office's approval marks them done as of `as_of`.
    milestones_done = models.JSONField("报告完成的节点", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "进展报告"
        ordering = ["task", "as_of", "created_at"]
        indexes = [  # the review queue: the submitted reports, oldest first
            models.Index(fields=["created_at", "id"], name="report_review_queue",
                         condition=models.Q(state="submitted")),
        ]

    def __str__(self) -> str:
        return f"{self.task} @ {self.as_of}"


class Observation(models.Model):
    """One value in a report, linked to the indicator it measures when one matches."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="observations",
                               verbose_name="进展报告")
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="observations", verbose_name="指标")
    metric = models.CharField("指标(原文)", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    value = models.FloatField("数值")
    qualifier = models.CharField("限定", max_length=2, default="=")
    percent = models.FloatField("占年计划(%)", null=True, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "进展数值"
        ordering = ["report", "order"]

    def __str__(self) -> str:
        return f"{self.metric} {self.value:g}{self.unit}"
