from django.db import models


class Step(models.Model):
    """One step in a case's or a problem's history: when, by whom, from which state to which."""

    actor_name = models.CharField("操作人名称", max_length=150)
    on = models.DateField("日期")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
