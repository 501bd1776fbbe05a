from django.conf import settings
from django.db import models

from duban.ledger.models.plans import Task
from duban.ledger.models.progress import ProgressReport


class Comment(models.Model):
    """A leader's or the office's comment or instruction (批示) on a task. Internal: never public."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "意见"
        INSTRUCTION = "instruction", "批示"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name="任务")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="comments", verbose_name="作者")
    author_name = models.CharField("作者名称", max_length=150)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "意见与批示"
        ordering = ["task", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.text[:30]}"


class Evidence(models.Model):
    """A file attached to a progress report (a photo, an acceptance certificate …)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence",
                               verbose_name="进展报告")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/")
    name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("类型", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
