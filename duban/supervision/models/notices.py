"""催办 (urges) and the notifications users read in the system (and, when configured, by e-mail)."""
from django.conf import settings
from django.db import models

from duban.supervision.models.cases import Case


class Urge(models.Model):
    """A reminder raised on a case: at most one per case, level and deadline (a new deadline may be
    urged again); red ones are escalated to the leaders."""

    class Level(models.TextChoices):
        YELLOW = "yellow", "黄色催办"
        RED = "red", "红色催办"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="urges", verbose_name="督办件")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    deadline = models.DateField("催办时的反馈期限")
    created = models.DateField("催办日期")
    reason = models.TextField("原因", blank=True)
    escalated_to_leaders = models.BooleanField("已报领导", default=False)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "催办记录"
        ordering = ["-created", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "level", "deadline"], name="one_urge_per_level")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_level_display()} {self.created}"


class Notification(models.Model):
    """A message to one user: a case assigned, urged, escalated, returned …; read or not."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "督办交办"
        URGE = "urge", "催办"
        ESCALATION = "escalation", "逾期报告领导"
        FEEDBACK = "feedback", "反馈待复核"
        RETURNED = "returned", "反馈被退回"
        CLOSED = "closed", "督办办结"
        COMMENT = "comment", "领导意见"
        PROBLEM = "problem", "问题"
        CHANGE = "change", "调整申请"
        CLUE = "clue", "群众线索"
        INSTRUCTION = "instruction", "领导批示"
        INSTRUCTION_DONE = "instruction_done", "批示落实"
        REPORT_APPROVED = "report_approved", "进展审核通过"
        REPORT_RETURNED = "report_returned", "进展被退回"
        UNIT_CASE = "unit_case", "本单位督办件"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name="接收人")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    created = models.DateField("日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.text[:30]}"
