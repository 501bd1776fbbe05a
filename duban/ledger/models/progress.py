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
            # a unit's workspace: the reports sent back, whatever the size of the ledger
            models.Index(fields=["created_at", "id"], name="report_returned",
                         condition=models.Q(state="returned")),
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


class PendingValue(models.Model):
    """A value of a report that no single indicator takes (none, or two, fit it; another value of the
    report fits better; or its sentence states it as plan): not an actual, it waits for the office to
    assign it to an indicator or discard it (待核实)."""

    class Reason(models.TextChoices):
        NO_MATCH = "no_match", "无对应指标"
        AMBIGUOUS = "ambiguous", "对应多个指标"
        TAKEN = "taken", "该指标已有更贴切的数值"
        PLAN = "plan", "原文为计划数"

    class State(models.TextChoices):
        PENDING = "pending", "待核实"
        ASSIGNED = "assigned", "已指定指标"
        DISCARDED = "discarded", "已舍弃"

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="pending_values",
                               verbose_name="进展报告")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="pending_values", verbose_name="任务")
    metric = models.CharField("指标(原文)", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    value = models.FloatField("数值")
    qualifier = models.CharField("限定", max_length=2, default="=")
    percent = models.FloatField("占年计划(%)", null=True, blank=True)
    sentence = models.TextField("所在语句", blank=True)
    reason = models.CharField("原因", max_length=20, choices=Reason.choices)
    candidates = models.JSONField("可能对应的指标", default=list, blank=True)  # indicator ids
    order = models.PositiveIntegerField("顺序", default=0)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="assigned_values", verbose_name="指定的指标")
    observation = models.OneToOneField(Observation, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="pending_value", verbose_name="形成的进展数值")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="处理人")
    decided_on = models.DateField("处理日期", null=True, blank=True)
    note = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待核实数值"
        ordering = ["report", "order"]
        indexes = [models.Index(fields=["state", "task"])]

    def __str__(self) -> str:
        return f"{self.metric or '(未命名)'} {self.value:g}{self.unit}"
