"""What became of a leader's 批示: a case opened on it, or the office's record of how it was handled."""
from django.conf import settings
from django.db import models

from duban.ledger.models import Comment


class InstructionOutcome(models.Model):
    """One per 批示 (a ledger Comment of kind instruction). Without one the 批示 is 待落实."""

    class Way(models.TextChoices):
        CASE = "case", "已立项督办"
        HANDLED = "handled", "已落实"

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="outcome", verbose_name="批示")
    way = models.CharField("落实方式", max_length=20, choices=Way.choices)
    case = models.ForeignKey("supervision.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="instruction_outcomes", verbose_name="督办件")
    note = models.TextField("落实情况", blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="handled_instructions", verbose_name="办理人")
    handled_on = models.DateField("办理日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "批示落实情况"

    def __str__(self) -> str:
        return f"{self.comment} → {self.get_way_display()}"
