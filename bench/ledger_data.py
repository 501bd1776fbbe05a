"""A big synthetic ledger for the benchmarks: a city's worth of plans, tasks, targets and a year of
monthly progress, written straight into the current database.

    from bench.ledger_data import build_synthetic_ledger
    stats = build_synthetic_ledger(plans=300, tasks=150)      # Django must be set up, schema migrated

With the defaults: 300 plans × 150 tasks = 45,000 tasks, each with 1 lead + 2 co-units (of 60 shared
units), 3 indicators, 4 quarterly milestones (a checkpoint per indicator each), and 12 monthly
progress reports with one value per indicator: ≈ 3.2 million rows.

The series look like real ones: most tasks keep pace with their quarterly checkpoints, some lag,
a few run ahead, some stall after a few months; one indicator in eight is a rate (签约率 90%), not
a cumulative count. Everything comes from one seed: the same arguments give the same ledger.

How rows are written (`method`):
    "fast"  the quickest each backend allows (default): PostgreSQL COPY; SQLite executemany
            with synchronous=OFF, inside one transaction
    "orm"   Django's bulk_create in batches (any backend; slower, used to compare)
Ids are given explicitly (after the highest existing ones), so parents and children are written
in any batch order; PostgreSQL's sequences are moved on at the end, and the tables ANALYZEd.
"""
from __future__ import annotations

import calendar
import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

UNIT_NAMES = (
    # departments (市直部门)
    "市发展改革委", "市教育局", "市科技局", "市工业和信息化局", "市公安局", "市民政局", "市司法局", "市财政局",
    "市人力资源社会保障局", "市自然资源和规划局", "市生态环境局", "市住房城乡建设局", "市交通运输局", "市水务管理局",
    "市农业农村局", "市海洋发展局", "市商务局", "市文化和旅游局", "市卫生健康委", "市退役军人事务局", "市应急局",
    "市审计局", "市国资委", "市市场监管局", "市体育局", "市统计局", "市医保局", "市城市管理局", "市行政审批局",
    "市大数据局", "市民营经济局", "市地方金融监管局", "市园林和林业局", "市残联", "市总工会",
    # districts (区(市))
    "市南区", "市北区", "黄岛区", "崂山区", "李沧区", "城阳区", "即墨区", "胶州市", "平度市", "莱西市",
    # enterprises (企业)
    "市城市建设投资集团", "市地铁集团", "市水务集团", "市公交集团", "市能源集团", "市华通集团", "市国信集团",
    "市港口集团", "市供电公司", "市燃气公司", "市热电集团", "市排水公司", "市农业发展集团", "市文旅集团", "市机场集团",
)
DOMAINS = ("就业", "教育", "医疗", "养老", "住房", "交通", "环境", "文化体育", "社会保障", "城市治理")
COUNTS = (  # metric, unit, typical target
    ("城镇新增就业", "人", 30000), ("改造老旧小区", "个", 120), ("新建口袋公园", "处", 40),
    ("新增公共停车泊位", "个", 8000), ("职业技能培训", "人次", 50000), ("新建改建学校", "所", 25),
    ("新增养老床位", "张", 2000), ("改造燃气管道", "公里", 300), ("新建绿道", "公里", 60),
    ("新增普惠托位", "个", 3000), ("建设充电桩", "个", 5000), ("改造农村公路", "公里", 500),
)
RATES = (("签约率", "%", 90.0), ("达标率", "%", 95.0), ("覆盖率", "%", 85.0))
QUARTER_SHARE = (0.2, 0.5, 0.75, 1.0)  # the checkpoint of each quarter, as a share of the year's target
RATE_SHARE = (0.75, 0.85, 0.92, 1.0)  # a rate starts at 55–75% of its target and climbs to it


@dataclass
class BuildStats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    method: str = ""
    vendor: str = ""

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (f"{self.vendor} ({self.method}): {self.total:,} rows in {self.seconds:.1f} s = "
                f"{self.rows_per_second:,.0f} rows/s  ({', '.join(f'{k} {v:,}' for k, v in self.rows.items())})")


def build_synthetic_ledger(plans: int = 300, tasks: int = 150, indicators: int = 3, reports: int = 12,
                           year: int = 2024, *, seed: int = 2024, method: str = "fast", city: str = "青岛市",
                           flush_every: int = 50_000, using: str = "default") -> BuildStats:
    """Fill the current database; return what was written and how fast."""
    from django.db import connections, transaction

    from duban.ledger import models as m

    connection = connections[using]
    started = time.perf_counter()
    writer = _writer(method, connection)
    units = _shared_units(m.Unit, using)
    ids = _IdSource(using)
    stats = BuildStats(method=writer.name, vendor=connection.vendor)
    buffers: dict[type, list[dict]] = defaultdict(list)
    order = (m.Plan, m.Task, m.Responsibility, m.Indicator, m.Milestone, m.Checkpoint, m.ProgressReport,
             m.Observation)

    def flush():
        for model in order:
            if buffers[model]:
                writer.write(model, buffers[model])
                stats.rows[model._meta.label] = stats.rows.get(model._meta.label, 0) + len(buffers[model])
                buffers[model].clear()

    with writer.session(), transaction.atomic(using=using):
        rng = random.Random(seed)
        for p in range(plans):
            _plan_rows(m, buffers, ids, rng, units, p, tasks, indicators, reports, year, city)
            if len(buffers[m.Observation]) >= flush_every:
                flush()
        flush()
        writer.finish(order)
    stats.seconds = time.perf_counter() - started
    return stats


# ------------------------------------------------------------------------------------ rows


def _plan_rows(m, buffers, ids, rng, units, p, tasks, indicators, reports, year, city) -> None:
    """All the rows of one plan, appended to the per-model buffers (field attname → value)."""
    from duban.ledger.models.plans import task_sort_key

    genres = list(m.Plan.Genre.values)
    genre = genres[p % len(genres)]
    stamp = dt.datetime(year, 1, 15 + p % 10, 1, 0, tzinfo=dt.UTC)
    plan_id = ids.next(m.Plan)
    buffers[m.Plan].append(dict(id=plan_id, city=city, year=year, genre=genre,
                                title=f"{year}年{m.Plan.Genre(genre).label}(合成)第{p + 1:03d}号", source_id=None,
                                created_at=stamp, updated_at=stamp))
    dues = [dt.date(year, q * 3, calendar.monthrange(year, q * 3)[1]) for q in (1, 2, 3, 4)]
    for t in range(tasks):
        task_id = ids.next(m.Task)
        domain = rng.choice(DOMAINS)
        metrics = rng.sample(COUNTS, min(indicators, len(COUNTS)))
        buffers[m.Task].append(dict(
            id=task_id, plan_id=plan_id, section_id=None, number=str(t + 1), order=t,
            sort_key=task_sort_key(year, genre, plan_id, t),
            title=f"{domain}领域重点任务{t + 1}", domain=domain, carried_over=rng.random() < 0.1, where=f"第{t + 2}行",
            content=f"围绕{domain},{'、'.join(x[0] for x in metrics)}等{len(metrics)}项指标年底前全部完成。"))
        lead, *co = rng.sample(units, 3)
        for order, (unit_id, role) in enumerate([(lead, "lead"), (co[0], "co"), (co[1], "co")]):
            buffers[m.Responsibility].append(dict(id=ids.next(m.Responsibility), task_id=task_id, unit_id=unit_id,
                                                  role=role, scope_note="", order=order))

        pace, stall_after = _profile(rng)
        milestone_ids = []
        for q, due in enumerate(dues):
            milestone_id = ids.next(m.Milestone)
            milestone_ids.append(milestone_id)
            stalled = stall_after is not None and stall_after < due.month
            reached = not stalled and pace * due.month / 12 >= QUARTER_SHARE[q] * 0.95
            buffers[m.Milestone].append(dict(
                id=milestone_id, task_id=task_id, due=due, order=q,
                text=f"{q + 1}季度末完成年度目标的{QUARTER_SHARE[q]:.0%}",
                done_on=due - dt.timedelta(days=rng.randint(0, 10)) if reached and due.month <= reports else None))

        series = []  # per indicator: (indicator id, metric, unit, target, monthly values)
        for i in range(indicators):
            indicator_id = ids.next(m.Indicator)
            if rng.random() < 0.125:
                metric, unit, target = rng.choice(RATES)
                values = _rate_series(rng, target, pace, stall_after, reports)
                cumulative, qualifier = False, ">="
            else:
                metric, unit, typical = metrics[i % len(metrics)]
                target = float(max(1, round(typical * rng.uniform(0.02, 0.3))))
                values = _cumulative_series(rng, target, pace, stall_after, reports, whole=unit != "公里")
                cumulative, qualifier = True, rng.choice((">=", ">=", ">=", "="))
            buffers[m.Indicator].append(dict(id=indicator_id, task_id=task_id, metric=metric, unit=unit,
                                             target=target, qualifier=qualifier, higher_is_better=True,
                                             cumulative=cumulative, order=i))
            for q, milestone_id in enumerate(milestone_ids):
                value = target * (QUARTER_SHARE[q] if cumulative else RATE_SHARE[q])
                buffers[m.Checkpoint].append(dict(id=ids.next(m.Checkpoint), indicator_id=indicator_id,
                                                  milestone_id=milestone_id, value=round(value, 2), qualifier=">="))
            series.append((indicator_id, metric, unit, target, values))

        for month in range(1, reports + 1):
            report_id = ids.next(m.ProgressReport)
            as_of = dt.date(year, month, calendar.monthrange(year, month)[1])
            said = ";".join(f"{metric}{values[month - 1]:g}{unit}" for _, metric, unit, _, values in series)
            buffers[m.ProgressReport].append(dict(
                id=report_id, task_id=task_id, as_of=as_of, text=f"截至{month}月底,{said}。", source_id=None,
                submitted_by_id=None, state="approved", review_note="", version=1,
                created_at=dt.datetime.combine(as_of + dt.timedelta(days=3), dt.time(1, 30), dt.UTC)))
            for i, (indicator_id, metric, unit, target, values) in enumerate(series):
                value = values[month - 1]
                buffers[m.Observation].append(dict(
                    id=ids.next(m.Observation), report_id=report_id, indicator_id=indicator_id, metric=metric,
                    unit=unit, value=value, qualifier="=", percent=round(100 * value / target, 1), order=i))


def _profile(rng: random.Random) -> tuple[float, int | None]:
    """How a task goes: its pace against plan, and the month after which it stops moving (or None)."""
    r = rng.random()
    if r < 0.70:
        return rng.uniform(0.95, 1.08), None  # on track
    if r < 0.85:
        return rng.uniform(0.5, 0.85), None  # lagging
    if r < 0.93:
        return rng.uniform(1.1, 1.3), None  # ahead
    return rng.uniform(0.9, 1.05), rng.randint(3, 9)  # stalls


def _cumulative_series(rng, target, pace, stall_after, months, whole=True) -> list[float]:
    values, last = [], 0.0
    for month in range(1, months + 1):
        if stall_after and month > stall_after:
            values.append(last)
            continue
        planned = target * month / 12
        value = max(last, min(target * 1.25, planned * pace * rng.uniform(0.96, 1.04)))
        value = float(round(value)) if whole else round(value, 1)
        values.append(value)
        last = value
    return values


def _rate_series(rng, target, pace, stall_after, months) -> list[float]:
    start = target * rng.uniform(0.55, 0.75)
    values = []
    for month in range(1, months + 1):
        moving = min(month, stall_after or month)
        value = start + (target - start) * min(1.05, pace * moving / 12) + rng.uniform(-0.5, 0.5)
        values.append(round(min(value, 100.0), 1))
    return values


def _shared_units(Unit, using) -> list[int]:
    """The 60 units every task draws from (created once, reused by a second build)."""
    kinds = ["department"] * 35 + ["district"] * 10 + ["enterprise"] * 15
    existing = dict(Unit.objects.using(using).filter(name__in=UNIT_NAMES).values_list("name", "id"))
    missing = [Unit(name=n, key=f"合成:{n}", kind=k) for n, k in zip(UNIT_NAMES, kinds) if n not in existing]
    Unit.objects.using(using).bulk_create(missing)
    return list(dict(Unit.objects.using(using).filter(name__in=UNIT_NAMES).values_list("name", "id")).values())


class _IdSource:
    """Explicit ids, after the highest already in each table."""

    def __init__(self, using):
        self.using, self.last = using, {}

    def next(self, model) -> int:
        if model not in self.last:
            from django.db.models import Max

            self.last[model] = model._base_manager.using(self.using).aggregate(n=Max("pk"))["n"] or 0
        self.last[model] += 1
        return self.last[model]


# --------------------------------------------------------------------------------- writers


def _writer(method: str, connection):
    if method == "orm":
        return _OrmWriter(connection)
    if method != "fast":
        raise ValueError(f"method is 'fast' or 'orm', not {method!r}")
    if connection.vendor == "postgresql":
        return _CopyWriter(connection)
    if connection.vendor == "sqlite":
        return _SqliteWriter(connection)
    return _OrmWriter(connection)


class _Writer:
    name = ""

    def __init__(self, connection):
        self.connection = connection

    @staticmethod
    def columns(model) -> list[tuple[str, object]]:
        """(attname, default) of each column: fields the rows don't name get their model default (a
        JSON field's as its JSON text, which COPY and sqlite3 both take)."""
        import json

        return [(f.attname, json.dumps(f.get_default()) if f.get_internal_type() == "JSONField" else f.get_default())
                for f in model._meta.concrete_fields]

    def session(self):
        from contextlib import nullcontext

        return nullcontext()

    def finish(self, models) -> None:
        """Sequences after the explicit ids (PostgreSQL), then fresh planner statistics."""
        from django.core.management.color import no_style

        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)
            for model in models:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


class _OrmWriter(_Writer):
    name = "bulk_create"

    def write(self, model, rows: list[dict]) -> None:
        model._base_manager.using(self.connection.alias).bulk_create([model(**row) for row in rows],
                                                                     batch_size=5000)


class _SqliteWriter(_Writer):
    name = "executemany, synchronous=OFF"

    def session(self):
        from contextlib import contextmanager

        @contextmanager
        def fast():
            with self.connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
            try:
                yield
            finally:
                with self.connection.cursor() as cursor:
                    cursor.execute("PRAGMA synchronous=NORMAL")

        return fast()

    def write(self, model, rows: list[dict]) -> None:
        fields = model._meta.concrete_fields
        columns = ", ".join(self.connection.ops.quote_name(f.column) for f in fields)
        sql = (f"INSERT INTO {self.connection.ops.quote_name(model._meta.db_table)} ({columns}) "
               f"VALUES ({', '.join('?' * len(fields))})")
        columns = [(name, default, self._converter(f)) for (name, default), f in zip(self.columns(model), fields)]
        values = [tuple(c(row.get(n, d)) if c else row.get(n, d) for n, d, c in columns) for row in rows]
        self.connection.ensure_connection()
        self.connection.connection.executemany(sql, values)  # the sqlite3 connection, below Django's cursor

    def _converter(self, f):
        """Dates and datetimes as Django's SQLite backend stores them (text; UTC without offset)."""
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            return lambda v: None if v is None else self.connection.ops.adapt_datetimefield_value(v)
        if kind == "DateField":
            return lambda v: None if v is None else v.isoformat()
        return None


class _CopyWriter(_Writer):
    name = "COPY"

    def write(self, model, rows: list[dict]) -> None:
        fields = model._meta.concrete_fields
        quote = self.connection.ops.quote_name
        sql = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN")
        columns = self.columns(model)
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:  # psycopg's own cursor, below Django's wrapper
                for row in rows:
                    copy.write_row([row.get(n, d) for n, d in columns])
