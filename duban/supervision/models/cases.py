"""督办件 (supervision cases) and their history: 立项 → 交办 → 签收 → 办理 → 反馈 → 复核 → 办结."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Comment, Task, Unit
from duban.supervision import rules
from duban.supervision.models.steps import Step


class Case(models.Model):
    """A supervision case: numbered per year (2024-001), opened by the office, assigned to a lead
    unit with a feedback deadline, fed back by that unit, reviewed and closed by the office."""

    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("年内序号")
    number = models.CharField("编号", max_length=20, unique=True)
    title = models.CharField("标题", max_length=300)
    source = models.CharField("来源", max_length=30, choices=list(rules.CASE_SOURCES.items()))
    reason = models.TextField("督办事由", blank=True)
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases",
                             verbose_name="相关任务")
    problem = models.ForeignKey("supervision.Problem", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="cases", verbose_name="相关问题")
    instruction = models.TextField("领导批示", blank=True)
    instruction_comment = models.ForeignKey(Comment, on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="cases", verbose_name="批示记录")
    instructed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="instructed_cases", verbose_name="批示领导")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="led_cases",
                                  verbose_name="牵头单位")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_cases", verbose_name="协办单位")
    deadline = models.DateField("反馈期限", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=list(rules.CASE_STATES.items()), default="opened",
                             db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="opened_cases", verbose_name="立项人")
    opened_on = models.DateField("立项日期")
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_text = models.TextField("反馈内容", blank=True)
    return_reason = models.TextField("退回原因(最近一次)", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办件"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="case_number_per_year")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in rules.OPEN_STATES

    def path(self) -> str:
        """Where the case's page is (the link notifications carry)."""
        return f"/cases/{self.number}/"


class CaseEvent(Step):
    """One step of a case: a state change, a leader's comment or a 催办; who, when, from, to, note."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", "流转"
        COMMENT = "comment", "意见"
        URGE = "urge", "催办"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name="督办件")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.TRANSITION)
    action = models.CharField("操作", max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="case_events", verbose_name="操作人")

    class Meta(Step.Meta):
        verbose_name = verbose_name_plural = "督办件流转记录"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.on} {self.get_kind_display()} {self.actor_name}"

    @property
    def from_label(self) -> str:
        return rules.CASE_STATES.get(self.from_state, self.from_state)

    @property
    def to_label(self) -> str:
        return rules.CASE_STATES.get(self.to_state, self.to_state)


def case_file_path(instance: "CaseFile", filename: str) -> str:
    return f"supervision/cases/{instance.case.number}/{filename}"


class CaseFile(models.Model):
    """Evidence attached to a case's feedback (a photo, a document)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files", verbose_name="督办件")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="files",
                              verbose_name="所属反馈")
    file = models.FileField("文件", upload_to=case_file_path)
    name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "反馈佐证材料"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name
