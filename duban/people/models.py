import hashlib
import secrets

from django.conf import settings
from django.db import models

from duban.ledger.models import Unit


class Role(models.TextChoices):
    OFFICE = "office", "督查室"
    LEADER = "leader", "领导"
    REPORTER = "reporter", "单位填报员"
    REVIEWER = "reviewer", "审核员"


class Profile(models.Model):
    """What a user is in the supervision: a role and, for a unit's reporter, the unit."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
                                verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
                             verbose_name="所属单位")
    name = models.CharField("姓名", max_length=50, blank=True)
    title = models.CharField("职务", max_length=80, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"

    def __str__(self) -> str:
        unit = f" · {self.unit}" if self.unit_id else ""
        return f"{self.user.get_username()}({self.get_role_display()}{unit})"

    @property
    def display_name(self) -> str:
        """How histories name the person: 姓名(职务), the account name when no 姓名 was given."""
        name = self.name or self.user.get_username()
        return f"{name}({self.title})" if self.title else name


class ApiToken(models.Model):
    """A token for the API; only its hash is stored, the token itself is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="用户")
    name = models.CharField("用途", max_length=100, blank=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "") -> tuple["ApiToken", str]:
        token = "dbn_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.digest_of(token)), token
