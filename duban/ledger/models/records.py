from django.db import models

from duban.ledger.models.documents import SourceDocument
from duban.ledger.models.plans import Indicator, Plan, Task


class Finding(models.Model):
    """What an import could not place, for a person to review."""

    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="findings",
                               verbose_name="来源文档")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="findings",
                             verbose_name="计划")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings",
                             verbose_name="任务")
    code = models.CharField("类别", max_length=40)
    message = models.TextField("说明")
    where = models.CharField("位置", max_length=100, blank=True)
    resolved = models.BooleanField("已处理", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "待核实事项"
        ordering = ["source", "id"]

    def __str__(self) -> str:
        return self.message


class StatusChange(models.Model):
    """Assessment history: each time a task's (or indicator's) status flips, as of a date."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="status_changes", verbose_name="任务")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="status_changes", verbose_name="指标")
    as_of = models.DateField("评估日期")
    status = models.CharField("状态", max_length=20)
    color = models.CharField("颜色", max_length=10)
    reason = models.TextField("原因")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "状态变化"
        ordering = ["task", "as_of", "id"]
        indexes = [models.Index(fields=["task", "indicator", "as_of"])]

    def __str__(self) -> str:
        return f"{self.task} {self.as_of} {self.status}"


class TrendPoint(models.Model):
    """A day's count of a scope's tasks in each colour, as the stored history says (the dashboard's
    trend: one a month end). The history of a past day only grows by a change dated on or before it,
    so a point is computed once and kept until such a change is recorded or an import changes the
    tasks (duban.ledger.trend.forget_trend)."""

    scope = models.CharField("范围", max_length=40)  # "plan:<id>", "year:<year>" or "all"
    day = models.DateField("日期")
    counts = models.JSONField("各颜色任务数", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "趋势数据"
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="trend_point_per_day")]
        indexes = [models.Index(fields=["day"], name="trend_point_day")]

    def __str__(self) -> str:
        return f"{self.scope} {self.day}"



# Maintained counts (PostgreSQL): what the dashboard, the portal and the lists count, kept by the
# database itself — triggers on the tasks and responsibilities (migration 0009_scale_tallies) add each
# statement's rows to these counts, whatever wrote them (an assessment, an import, a unit merge, a raw
# UPDATE), in the writing transaction. A scope is "all", "y<year key>" (the first four digits of the
# tasks' sort keys: duban.ledger.models.plans.year_keys) or "y<year key>:p<plan id>". SQLite counts
# the tasks themselves (duban.web.queries). Rows are never deleted: a count that fell to 0 stays.


class TaskTally(models.Model):
    """How many current (not retired) tasks of a scope have each (status, colour, domain)."""

    scope = models.CharField("范围", max_length=40)
    status = models.CharField("状态", max_length=20, blank=True)
    color = models.CharField("颜色", max_length=10, blank=True)
    domain = models.CharField("领域", max_length=100, blank=True)
    n = models.IntegerField("任务数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "任务计数"
        constraints = [models.UniqueConstraint(fields=["scope", "status", "color", "domain"], name="task_tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.status} {self.domain}: {self.n}"


class LeadTally(models.Model):
    """How many lead responsibilities a unit holds in a scope, by its task's (status, colour) — of
    every task, as the dashboard's unit counts have always read them (the retired ones too)."""

    scope = models.CharField("范围", max_length=40)
    unit_id = models.BigIntegerField("单位")  # not a foreign key: a unit merge moves its counts by trigger
    status = models.CharField("状态", max_length=20, blank=True)
    color = models.CharField("颜色", max_length=10, blank=True)
    n = models.IntegerField("牵头任务数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "单位牵头计数"
        constraints = [models.UniqueConstraint(fields=["scope", "unit_id", "status", "color"], name="lead_tally_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.unit_id} {self.status}: {self.n}"


class MilestoneTally(models.Model):
    """How many milestones (of every task) fall due on a day: the office calendar's day counts, kept
    by triggers on the milestones (migration 0012_milestone_tally) as TaskTally is on the tasks."""

    due = models.DateField("截止日期", unique=True)
    n = models.IntegerField("节点数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "时间节点计数"

    def __str__(self) -> str:
        return f"{self.due}: {self.n}"
