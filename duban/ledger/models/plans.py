from django.db import models
from django.db.models import Q

from duban.ledger.models.documents import SourceDocument
from duban.ledger.models.units import Unit


class Plan(models.Model):
    """One year's published list of tasks (计划 / 一览表 / 任务清单) of one genre."""

    class Genre(models.TextChoices):
        PRACTICAL = "practical", "市办实事"
        KEY_WORK = "key_work", "重点工作任务"
        CAMPAIGN = "campaign", "民生领域攻坚行动"
        OTHER = "other", "其他"

    city = models.CharField("城市", max_length=50)
    year = models.PositiveSmallIntegerField("年度")
    genre = models.CharField("类别", max_length=20, choices=Genre.choices, default=Genre.OTHER)
    title = models.CharField("标题", max_length=300, blank=True)
    source = models.ForeignKey(SourceDocument, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="plans", verbose_name="来源文档(最新版本)")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "计划"
        ordering = ["-year", "genre", "title"]
        constraints = [models.UniqueConstraint(fields=["city", "year", "genre", "title"], name="plan_identity")]

    def __str__(self) -> str:
        return self.title or f"{self.year}年{self.get_genre_display()}"

    def save(self, *args, **kwargs):
        was = Plan.objects.filter(pk=self.pk).values_list("year", "genre").first() if self.pk else None
        super().save(*args, **kwargs)
        if was is not None and was != (self.year, self.genre):  # its tasks' place in every list moves
            refresh_sort_keys([self.pk])


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name="计划")
    title = models.CharField("标题", max_length=300)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "部分"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="section_per_plan")]

    def __str__(self) -> str:
        return self.title


# ------------------------------------------------------------------------------ the list order
# Every list of tasks reads in one order: the latest plan year first, then the genre, the plan, the
# task's place in it. It spans plan and task columns, so it is kept on the task as one sort key, all
# digits and of fixed width (the same order in every collation): an index on it gives the first page
# of a list of any length without sorting the ledger.
GENRE_RANK = {g: str(i) for i, g in enumerate(sorted(Plan.Genre.values))}  # as the genre codes sort


def task_sort_key(year: int, genre: str, plan_id: int, order: int) -> str:
    return f"{9999 - year:04d}{GENRE_RANK.get(genre, '9')}{plan_id:012d}{min(order, 10 ** 8 - 1):08d}"


def year_keys(year: int) -> tuple[str, str]:
    """The sort keys of a plan year's tasks lie in [low, high): a year filter as an index range."""
    return f"{9999 - year:04d}", f"{10000 - year:04d}"


def in_year(qs, year: int, prefix: str = ""):
    """`qs` (tasks, or rows reaching a task through `prefix`, e.g. "task__") kept to one plan year."""
    low, high = year_keys(year)
    return qs.filter(**{f"{prefix}sort_key__gte": low, f"{prefix}sort_key__lt": high})


LIST_ORDER = ("sort_key", "id")


def refresh_sort_keys(plan_ids=None, *, using: str = "default", only_missing: bool = False) -> int:
    """Writes the sort key of the plans' tasks (all plans: None) where it differs; returns how many."""
    plans = Plan.objects.using(using).all() if plan_ids is None else Plan.objects.using(using).filter(pk__in=plan_ids)
    changed = []
    for plan in plans.only("id", "year", "genre"):
        tasks = Task.everything.using(using).filter(plan_id=plan.pk).only("id", "order", "sort_key")
        if only_missing:
            tasks = tasks.filter(sort_key="")
        for t in tasks:
            key = task_sort_key(plan.year, plan.genre, plan.pk, t.order)
            if t.sort_key != key:
                t.sort_key = key
                changed.append(t)
    Task.everything.using(using).bulk_update(changed, ["sort_key"], batch_size=500)
    return len(changed)


class CurrentTasks(models.Manager):
    """The tasks of the plans as they stand: a task a new version of its document no longer has is
    retired (kept with all it carries, never deleted) and leaves every list, count and bulletin."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_on__isnull=True)


class Task(models.Model):
    """A numbered item of a plan (事项 / 任务 / 实事 / 攻坚事项)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name="计划")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks",
                                verbose_name="部分")
    number = models.CharField("序号", max_length=20)
    order = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("标题", max_length=300, blank=True)
    content = models.TextField("内容")
    domain = models.CharField("领域", max_length=100, blank=True)
    # The document named no domain: this one is suggested from the standard list until the office
    # confirms or changes it (duban.ledger.domains).
    domain_suggested = models.BooleanField("领域为建议", default=False)
    carried_over = models.BooleanField("上年延续", default=False)
    where = models.CharField("来源位置", max_length=100, blank=True)
    units = models.ManyToManyField(Unit, through="Responsibility", related_name="tasks", verbose_name="责任单位")
    # The latest assessment, kept on the task so lists and the dashboard read it instead of re-judging.
    status = models.CharField("状态", max_length=20, blank=True, db_index=True)
    status_color = models.CharField("状态颜色", max_length=10, blank=True)
    status_reason = models.TextField("状态原因", blank=True)
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    retired_on = models.DateField("撤销日期", null=True, blank=True,
                                  help_text="新版本文档不再包含该任务的日期;撤销的任务保留全部记录")
    # The office's corrections: {field: {"value": corrected, "document": what the document said}}; a new
    # version of the document keeps them and lists where it disagrees.
    corrected = models.JSONField("人工更正", default=dict, blank=True)
    # (plan year desc, genre, plan, order): see task_sort_key; written by save() and refresh_sort_keys.
    sort_key = models.CharField("排序键", max_length=32, blank=True, default="", editable=False)

    objects = CurrentTasks()
    everything = models.Manager()

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        base_manager_name = "everything"
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_number_per_plan")]
        indexes = [  # the current tasks (what every list shows) in list order: all, of a plan, of a domain
            models.Index(fields=["sort_key", "id"], name="task_list_order", condition=Q(retired_on__isnull=True)),
            models.Index(fields=["plan", "sort_key", "id"], name="task_plan_list_order",
                         condition=Q(retired_on__isnull=True)),
            models.Index(fields=["domain", "sort_key", "id"], name="task_domain_list_order",
                         condition=Q(retired_on__isnull=True)),
            # of a status: the status filter, and the worst-first lists read a status at a time
            models.Index(fields=["status", "sort_key", "id"], name="task_status_list_order",
                         condition=Q(retired_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title or self.content[:30]}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"order", "plan", "plan_id"} & set(update_fields):
            self.sort_key = task_sort_key(self.plan.year, self.plan.genre, self.plan_id, self.order)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def lead_units(self) -> list[Unit]:
        return [r.unit for r in self.responsibilities.all() if r.role == Responsibility.Role.LEAD]

    def co_units(self) -> list[Unit]:
        return [r.unit for r in self.responsibilities.all() if r.role == Responsibility.Role.CO]


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        CO = "co", "协办"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="responsibilities", verbose_name="任务")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responsibilities", verbose_name="单位")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    scope_note = models.CharField("分工说明", max_length=200, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "责任分工"
        ordering = ["task", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="one_role_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class Indicator(models.Model):
    """A quantity a task commits to: 城镇新增就业 ≥ 350000 人."""

    class Qualifier(models.TextChoices):
        AT_LEAST = ">=", "以上(≥)"
        AT_MOST = "<=", "以内(≤)"
        ABOUT = "~", "左右(≈)"
        EXACT = "=", "="

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators", verbose_name="任务")
    metric = models.CharField("指标", max_length=200)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    target = models.FloatField("目标值")
    qualifier = models.CharField("限定", max_length=2, choices=Qualifier.choices, default=Qualifier.EXACT)
    higher_is_better = models.BooleanField("越高越好", default=True)
    cumulative = models.BooleanField("累计值", default=True, help_text="累计完成量;比率类指标(如签约率)为否")
    implied = models.BooleanField("由节点推出", default=False,
                                  help_text="任务内容未列出、由时间节点中的数量推出的指标,目标为最后节点的要求")
    tracked = models.BooleanField("纳入评价", default=True,
                                  help_text="否:文档中的数字不是要跟踪的指标(如补助标准),不参与评价")
    corrected = models.JSONField("人工更正", default=dict, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "指标"
        ordering = ["task", "order"]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_qualifier_display()} {self.target:g}{self.unit}"


class Milestone(models.Model):
    """A dated step of the schedule (时间节点): 3月底前,…"""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name="任务")
    due = models.DateField("截止日期", null=True, blank=True)
    text = models.TextField("节点内容", blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_evidence = models.TextField("完成依据", blank=True)
    corrected = models.JSONField("人工更正", default=dict, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "时间节点"
        ordering = ["task", "order"]
        indexes = [  # the steps of a day in the calendar's order: a unit's next steps, a day's first few
            models.Index(fields=["due", "task", "order"], name="milestone_due_order"),
        ]

    def __str__(self) -> str:
        return f"{self.due or '未定'} {self.text[:30]}"


class Checkpoint(models.Model):
    """The value an indicator should reach by a milestone (节点目标)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="checkpoints", verbose_name="指标")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="checkpoints",
                                  verbose_name="时间节点")
    value = models.FloatField("节点目标值")
    qualifier = models.CharField("限定", max_length=2, default="=")

    class Meta:
        verbose_name = verbose_name_plural = "节点目标"
        ordering = ["indicator", "milestone__due"]
        constraints = [models.UniqueConstraint(fields=["indicator", "milestone"], name="checkpoint_per_milestone")]

    def __str__(self) -> str:
        return f"{self.indicator.metric} {self.value:g} @ {self.milestone.due}"
