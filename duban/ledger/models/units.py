from django.db import models


class Unit(models.Model):
    """One organisation, whatever the spelling (市住房城乡建设局 / 市住房和城乡建设局)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "市直部门"
        DISTRICT = "district", "区(市)"
        ENTERPRISE = "enterprise", "企业"
        OTHER = "other", "其他"

    name = models.CharField("规范名称", max_length=200, unique=True)
    key = models.CharField("匹配键", max_length=200, unique=True, help_text="别名规则算出的键,同一单位的不同写法相同")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another spelling of a unit, as some document printed it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位")
    name = models.CharField("写法", max_length=200, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit.name}"
