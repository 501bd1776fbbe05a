"""问题 (problems found on a task) and 群众线索 (public clues, each of which opens a problem)."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Task
from duban.supervision import rules
from duban.supervision.models.steps import Step


class Problem(models.Model):
    """A problem on a task: found → assigned (to a coordinator) → coordinated → resolved → confirmed
    by whoever raised it (the office for a public clue); or dismissed by the office."""

    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="problems",
                             verbose_name="任务")
    source = models.CharField("来源", max_length=20, choices=list(rules.PROBLEM_SOURCES.items()),
                              default="internal")
    text = models.TextField("问题描述")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="raised_problems", verbose_name="提出人")
    raised_by_name = models.CharField("提出人名称", max_length=150)
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="coordinated_problems", verbose_name="协调人")
    state = models.CharField("状态", max_length=20, choices=list(rules.PROBLEM_STATES.items()), default="found",
                             db_index=True)
    found_on = models.DateField("发现日期")
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    resolved_on = models.DateField("解决日期", null=True, blank=True)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    resolution = models.TextField("解决情况", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题"
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["task", "found_on"])]

    def __str__(self) -> str:
        return f"问题{self.pk}:{self.text[:30]}"

    def path(self) -> str:
        return f"/problems/{self.pk}/"


class ProblemEvent(Step):
    """One step of a problem's handling: who, when, from, to, note."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events", verbose_name="问题")
    action = models.CharField("操作", max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="problem_events", verbose_name="操作人")

    class Meta(Step.Meta):
        verbose_name = verbose_name_plural = "问题处理记录"
        ordering = ["problem", "id"]

    def __str__(self) -> str:
        return f"问题{self.problem_id} {self.on} {self.action}"


class Clue(models.Model):
    """A clue from the public about a task. Stores a keyed hash of the sender's address (for the rate
    limit), never the address; the contact is for the office only and never shown publicly."""

    code = models.CharField("查询码", max_length=20, unique=True)
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="clues",
                             verbose_name="任务")
    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="clue", verbose_name="问题")
    text = models.TextField("线索内容")
    contact = models.CharField("联系方式", max_length=100, blank=True)
    ip_hash = models.CharField("来源地址摘要", max_length=64, db_index=True)
    submitted_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "群众线索"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"
