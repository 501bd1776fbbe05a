from django.db import models


class SourceDocument(models.Model):
    """A document as it was imported: its bytes, their hash, and what extraction made of it."""

    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("大小(字节)")
    format = models.CharField("格式", max_length=10)
    content = models.BinaryField("原始文件")
    extraction = models.JSONField("抽取结果(duban.plan/1)")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.CharField("导入人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "来源文档"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name
