"""What the office's pages read: aggregates computed in the database, never a query per task, and
never a re-assessment on a page view (the stored Task.status fields and StatusChange history are read).

A `Scope` names the tasks a page is about (a plan, a year) and the date it looks at. For today (or a
date no task was assessed after) the tasks' stored status fields are read; for an earlier date each
task's status is its latest task-level StatusChange on or before that date (`latest_changes`).

Caching (`cached`): what the history says is kept per (scope, latest StatusChange): the history only
grows. Today's counts are kept a few seconds per (scope, latest StatusChange, latest audit entry,
latest task), so repeated views of a 45,000-task dashboard cost a few index lookups. With several
app servers the cache is Redis (DUBAN_CACHE_URL): the ledger version is shared and a change on one
server is seen on every other at once. The trend is read from stored daily aggregates (TrendPoint).

Today's counts on PostgreSQL are read from the counts the database maintains (TaskTally, LeadTally:
triggers add each write's rows, migration ledger 0009_scale_tallies): a few dozen rows a scope, however
big the ledger. SQLite (the embedded ledger) counts the tasks with aggregate queries.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.safestring import mark_safe

from duban import assess as A
from duban import ranking as R
from duban.assess_format import fmt_number
from duban.ledger.models import LeadTally, Plan, Responsibility, StatusChange, Task, TaskTally, Unit
from duban.ledger.models.plans import LIST_ORDER, in_year, year_keys
from duban.ledger.search import SEARCH_COUNT_CAP, search_tasks, search_terms
from duban.web.charts import color_bar

COLORS = ("red", "yellow", "green", "grey")
COLOR_LABELS = {"red": "红", "yellow": "黄", "green": "绿", "grey": "灰"}
UNASSESSED = "未评估"
NO_DOMAIN = "-"
LAGGING = (A.Status.OVERDUE, A.Status.SERIOUSLY_BEHIND, A.Status.NOT_STARTED, A.Status.BEHIND)  # worst first
ON_TRACK = (A.Status.AHEAD, A.Status.ON_TRACK)
BEHIND = (A.Status.BEHIND, A.Status.SERIOUSLY_BEHIND, A.Status.NOT_STARTED)
LAGGING_LIMIT = 20
TOP_UNITS = 20
# Cached history is keyed by the latest StatusChange id, so new history is seen at once; the timeout
# only bounds what a deletion (a task removed with its history) could leave behind.
CACHE_TIMEOUT = 15 * 60
LIVE_TIMEOUT = 10  # seconds: today's counts (see `cached`)


# ------------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Scope:
    plan: Plan | None
    year: int | None  # None: every year
    as_of: date
    today: date
    historical: bool = False

    def key(self) -> str:
        return f"{self.plan.pk if self.plan else '-'}:{self.year or '-'}:{self.as_of.isoformat()}"

    def task_filter(self, prefix: str = "") -> dict:
        """The scope as filter arguments on a task reached through `prefix` ("" or "task__")."""
        out = {}
        if self.plan is not None:
            out[prefix + "plan_id"] = self.plan.pk
        if self.year:  # the year's tasks are a range of sort keys (an index range, no join)
            out[prefix + "sort_key__gte"], out[prefix + "sort_key__lt"] = year_keys(self.year)
        return out


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def parse_int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def plan_years() -> list[int]:
    """The plan years, latest first (a year filter's choices)."""
    return list(Plan.objects.order_by("-year").values_list("year", flat=True).distinct())


def units_with_tasks() -> QuerySet:
    """The units holding a task, by name (a unit filter's choices): one index probe a unit, not a
    scan of every role made distinct."""
    return Unit.objects.filter(Exists(Responsibility.objects.filter(unit=OuterRef("pk")))).order_by("name")


def latest_year() -> int | None:
    return Plan.objects.aggregate(y=Max("year"))["y"]


def make_scope(params, today: date) -> Scope:
    """A scope from a page's query parameters: plan (id), year (or "all"), as_of (YYYY-MM-DD).

    Without a year or a plan the latest plan year is shown; without a date, today."""
    plan = None
    plan_id = parse_int(params.get("plan"))
    if plan_id is not None:
        plan = Plan.objects.filter(pk=plan_id).first()
    year_text = (params.get("year") or "").strip()
    if plan is not None:
        year = plan.year
    elif year_text == "all":
        year = None
    else:
        year = parse_int(year_text) or latest_year()
    as_of = parse_date(params.get("as_of")) or today
    historical = False
    if as_of < today:  # an earlier date: the stored status holds only if no task was assessed after it
        last = tasks_in(Scope(plan, year, as_of, today)).aggregate(d=Max("assessed_on"))["d"]
        historical = last is not None and as_of < last
    return Scope(plan, year, as_of, today, historical)


def tasks_in(scope: Scope) -> QuerySet:
    return Task.objects.filter(**scope.task_filter())


def tally_scope(scope: Scope) -> str | None:
    """The maintained counts' key of a scope's tasks today (None: none kept — count the tasks)."""
    return tally_key(scope.year, scope.plan.pk if scope.plan else None)


def tally_key(year: int | None, plan_id: int | None = None) -> str | None:
    """The maintained counts' key of the current tasks of a year (None: every year) or of a plan in
    its year: "all", "y<year key>" or "y<year key>:p<plan>" (duban.ledger.models.records); None where
    none is kept (SQLite; a plan without its year)."""
    if connection.vendor != "postgresql":
        return None
    if year is None:
        return "all" if plan_id is None else None
    low, _ = year_keys(year)
    return f"y{low}" if plan_id is None else f"y{low}:p{plan_id}"


def tallied_total(year: int | None, plan_id: int | None = None) -> int | None:
    """How many current tasks a year (None: all) or a plan of it holds, from the maintained counts
    (None: none kept — count the tasks)."""
    key = tally_key(year, plan_id)
    if key is None:
        return None
    return sum(TaskTally.objects.filter(scope=key, n__gt=0).values_list("n", flat=True))


def plan_sizes(year: int | None) -> dict[int, int]:
    """Each plan of a year: its current tasks (the maintained counts on PostgreSQL)."""
    if not year:
        return {}
    key = tally_key(year)
    if key is None:
        return dict(in_year(Task.objects.all(), year).order_by().values_list("plan_id").annotate(n=Count("pk")))
    prefix = f"{key}:p"  # the plans' keys, an index range; summed there (a plan has dozens of rows)
    rows = (TaskTally.objects.filter(scope__gte=prefix, scope__lt=f"{key}:q", n__gt=0).order_by()
            .values_list("scope").annotate(total=Sum("n")))
    return {int(scope[len(prefix):]): n for scope, n in rows if scope.startswith(prefix)}


def domain_names() -> list[str]:
    """The domains the current tasks name, sorted (the maintained counts on PostgreSQL)."""
    if connection.vendor == "postgresql":
        rows = TaskTally.objects.filter(scope="all", n__gt=0).exclude(domain="")
    else:
        rows = Task.objects.exclude(domain="")
    return list(rows.order_by("domain").values_list("domain", flat=True).distinct())


def count_cap(q: str | None, *, one_unit: bool = False) -> int | None:
    """The count cap of a list searched for `q`, or narrowed to `one_unit`'s tasks (a reporter's lists,
    the unit filter: a province's unit may hold thousands); None: count every task. Read from this
    module's SEARCH_COUNT_CAP at each call (a test sets a small one)."""
    return SEARCH_COUNT_CAP if search_terms(q) or one_unit else None


def capped_count(tasks: QuerySet, bound: int) -> tuple[int, bool]:
    """How many `tasks` there are, counted only up to `bound`: (n, False) when n ≤ bound, else
    (bound, True) — there are more than `bound`. One query, `SELECT count(*) FROM (SELECT … LIMIT
    bound + 1)`: it stops at the (bound + 1)-th match."""
    n = tasks.order_by()[:bound + 1].count()
    return (bound, True) if n > bound else (n, False)


class CappedPaginator(Paginator):
    """A Paginator whose count may be a lower bound: `more` is True when there are more tasks than
    `at_least` (then `count` is at_least + 1, so the page after the last counted one exists and
    has_next is true; the pages are known up to the bound, the last one is not)."""

    more = False
    at_least = 0

    @property
    def pages_at_least(self) -> int:
        """The pages the counted tasks fill (there are more)."""
        return -(-self.at_least // self.per_page)


MAX_PAGE = 10**6  # a page number past it counts as this one (the count's LIMIT stays an ordinary number)


def page_number(number) -> int:
    """The page a `page` parameter asks for, as Paginator.get_page reads it (not a number: the first)."""
    try:
        return min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def page_of(tasks: QuerySet, per_page: int, number, total: int | None = None, cap: int | None = None):
    """Paginator(tasks, per_page).get_page(number); `total`, when known (the maintained count of the
    same tasks), saves counting them. `cap` (a search): the tasks are counted only up to
    max(cap, the rows up to this page) and beyond that the count is a lower bound (`paginator.more`,
    `paginator.at_least`): the previous and next pages still work, and any page up to the bound."""
    paginator = CappedPaginator(tasks, per_page)
    if total is not None:
        paginator.count = total  # a cached_property: set, it is not computed
    elif cap is not None:
        bound = max(cap, page_number(number) * per_page)
        n, more = capped_count(tasks, bound)
        paginator.count = n + 1 if more else n
        paginator.more, paginator.at_least = more, n
    return paginator.get_page(number)


def tallied_statuses(year: int | None) -> dict[str, int] | None:
    """How many current tasks of a year (None: all) have each status (Counts.statuses' labels), from
    the maintained counts (None: none kept)."""
    key = tally_key(year)
    if key is None:
        return None
    counts = Counts()
    for status, n in TaskTally.objects.filter(scope=key, n__gt=0).values_list("status", "n"):
        counts.add(status, "", n)
    return counts.statuses


def severity_page(tasks: QuerySet, statuses: dict[str, int], per_page: int, number) -> Page:
    """Page `number` of `tasks` the worst status first, in list order within a status — what
    `order_by(severity_order().desc(), *LIST_ORDER)` gives — read a status at a time along the
    (status, sort key) index. `statuses`: how many of the same tasks have each status (the maintained
    counts, Counts.statuses' labels), so no query sorts all the tasks by their severity."""
    known = sorted(A.Status, key=lambda s: -s.severity)
    values = [s.value for s in known]
    buckets = [(tasks.filter(status=v), statuses.get(v, 0)) for v in values]
    buckets.append((tasks.exclude(status__in=values), sum(n for k, n in statuses.items() if k not in values)))
    paginator = CappedPaginator(tasks, per_page)
    paginator.count = sum(n for _, n in buckets)
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    offset, need, rows = (number - 1) * per_page, per_page, []
    for bucket, n in buckets:
        if need <= 0:
            break
        if offset >= n:
            offset -= n
            continue
        found = list(bucket.order_by(*LIST_ORDER)[offset:offset + need])
        rows += found
        need, offset = need - len(found), 0
    return Page(rows, number, paginator)


def lead_responsibilities_in(scope: Scope) -> QuerySet:
    """The lead responsibilities of the scope's current tasks (a retired task leads nothing)."""
    return Responsibility.objects.filter(role=Responsibility.Role.LEAD, task__retired_on__isnull=True,
                                         **scope.task_filter("task__"))


def history_stamp() -> str:
    """Names the history as it is now: the latest StatusChange's id and time (one index lookup).
    The time tells apart two histories whose ids were reused (SQLite, after a rollback)."""
    last = StatusChange.objects.order_by("-id").values_list("id", "recorded_at").first()
    return f"{last[0]}@{last[1].timestamp()}" if last else "0"


def latest_changes(scope: Scope) -> QuerySet:
    """Each task's latest task-level StatusChange on or before the scope's date (one row per task)."""
    ranked = (StatusChange.objects.filter(indicator__isnull=True, as_of__lte=scope.as_of, **scope.task_filter("task__"))
              .annotate(rank=Window(RowNumber(), partition_by=[F("task_id")],
                                    order_by=[F("as_of").desc(), F("id").desc()]))
              .filter(rank=1).values("id"))
    return StatusChange.objects.filter(id__in=ranked)


def with_history(qs: QuerySet, as_of: date) -> QuerySet:
    """Tasks annotated with h_status, h_color, h_reason from their history on or before `as_of`
    (one subquery per task: for a page of tasks, not for counting a whole year)."""
    latest = (StatusChange.objects.filter(task_id=OuterRef("pk"), indicator__isnull=True, as_of__lte=as_of)
              .order_by("-as_of", "-id"))
    return qs.annotate(
        h_status=Coalesce(Subquery(latest.values("status")[:1]), Value(""), output_field=CharField()),
        h_color=Coalesce(Subquery(latest.values("color")[:1]), Value(""), output_field=CharField()),
        h_reason=Coalesce(Subquery(latest.values("reason")[:1]), Value(""), output_field=TextField()),
    )


def stored_judgement(task: Task, as_of: date) -> tuple[str, str, str]:
    """A task's stored (status, colour, reason) as of a date — what the dashboard, the lists, the
    portal and the API read: its current assessment from the date it was made on, before that its
    latest task-level StatusChange on or before the date ("" when it was not yet assessed by then)."""
    if task.assessed_on is not None and as_of >= task.assessed_on:
        return task.status, task.status_color, task.status_reason
    last = (StatusChange.objects.filter(task=task, indicator__isnull=True, as_of__lte=as_of)
            .order_by("-as_of", "-id").values_list("status", "color", "reason").first())
    return last or ("", "", "")


# ------------------------------------------------------------------------------ counting


def severity_of(status: str) -> int:
    try:
        return A.Status(status).severity
    except ValueError:
        return -1  # 未评估


def severity_order(field_name: str = "status") -> Case:
    """An SQL expression ordering statuses from the worst (逾期) to the best; unassessed last."""
    return Case(*(When(**{field_name: s.value}, then=Value(s.severity)) for s in A.Status),
                default=Value(-1), output_field=IntegerField())


def color_of(color: str) -> str:
    return color if color in COLORS else "grey"


@dataclass
class Counts:
    """How many tasks in each colour and each status."""

    total: int = 0
    colors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLORS, 0))
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, color: str, n: int) -> None:
        self.total += n
        self.colors[color_of(color)] += n
        label = status or UNASSESSED
        self.statuses[label] = self.statuses.get(label, 0) + n

    def fill_to(self, total: int) -> None:
        """Tasks with no history by the date count as 未评估 (grey)."""
        if total > self.total:
            self.add("", "grey", total - self.total)

    @property
    def bar(self) -> str:
        """The colour bar as HTML."""
        return mark_safe(color_bar(self.colors))

    @property
    def green_share(self) -> float:
        return self.colors["green"] / self.total if self.total else 0.0

    def color_rows(self) -> list[dict]:
        return [{"color": c, "label": COLOR_LABELS[c], "n": self.colors[c],
                 "pct": round(100 * self.colors[c] / self.total, 1) if self.total else 0} for c in COLORS]

    def status_rows(self) -> list[dict]:
        rows = [{"status": s.value, "code": s.code, "color": s.color.value, "n": self.statuses.get(s.value, 0)}
                for s in sorted(A.Status, key=lambda s: -s.severity)]
        known = {s.value for s in A.Status}
        rows.append({"status": UNASSESSED, "code": "unassessed", "color": "grey",
                     "n": sum(n for k, n in self.statuses.items() if k not in known)})
        return rows

    def in_statuses(self, statuses) -> int:
        return sum(self.statuses.get(s.value, 0) for s in statuses)


@dataclass
class Summary:
    """A scope's counts: in all, by domain, by lead unit; and its worst lagging tasks."""

    counts: Counts
    domains: list[dict]
    units: list[dict]
    lagging: list[dict]

    @property
    def lagging_total(self) -> int:
        return self.counts.in_statuses(LAGGING)


def ledger_stamp(history: str) -> str:
    """Names the ledger's present state: the history stamp, the ledger version (bumped when a task's
    stored status, the tasks or the units change — not by a submitted report) and the latest task."""
    from duban.ledger.version import ledger_version

    task = Task.objects.aggregate(last=Max("id"))["last"]
    return f"{history}:{ledger_version()}:{task}"


def cached(kind: str, scope: Scope, stamp: str | None, compute):
    """For an earlier date: what the history says, cached per scope and history stamp. For today:
    the stored status, cached per scope and ledger stamp for a few seconds — a status change, an
    import or a unit merge is seen at once (in another server process too when the cache is shared:
    DUBAN_CACHE_URL; with each process's own memory, within LIVE_TIMEOUT seconds)."""
    stamp = history_stamp() if stamp is None else stamp
    if not scope.historical:
        stamp = ledger_stamp(stamp)
    key = f"duban:{kind}:{scope.key()}:{scope.historical}:{stamp}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_TIMEOUT if scope.historical else LIVE_TIMEOUT)
    return found


def summarize(scope: Scope, stamp: str | None = None) -> Summary:
    """A scope's counts (by status and domain, by lead unit) and worst lagging tasks: aggregate
    queries on the tasks' stored status for today, on their history for an earlier date. Cached."""
    return cached("summary", scope, stamp, lambda: _summary(scope))


def unit_counts(scope: Scope, stamp: str | None = None) -> list[dict]:
    """Per lead unit: its tasks in the scope, by status and colour (one aggregate query). Cached."""
    return cached("units", scope, stamp, lambda: _units(scope))


def counts_by_domain(scope: Scope, stamp: str | None = None) -> tuple[Counts, list[dict]]:
    """Counts in all and by domain (one aggregate query). Cached."""
    return cached("domains", scope, stamp, lambda: _history_breakdown(scope) if scope.historical
                   else current_breakdown(scope))


def _summary(scope: Scope) -> Summary:
    if scope.historical:
        counts, domains = _history_breakdown(scope)
        return Summary(counts, domains, _units(scope), _lagging(latest_changes(scope), counts, "task__"))
    counts, domains = current_breakdown(scope)
    return Summary(counts, domains, _units(scope), _lagging(tasks_in(scope), counts, ""))


def _units(scope: Scope) -> list[dict]:
    if not scope.historical:
        key = tally_scope(scope)
        if key is not None:  # the maintained counts (PostgreSQL)
            return _unit_rows(LeadTally.objects.filter(scope=key, n__gt=0).values_list("unit_id", "status", "color", "n"))
        return _unit_rows(lead_responsibilities_in(scope).order_by()
                          .values_list("unit_id", "task__status", "task__status_color").annotate(n=Count("pk")))
    return _unit_rows(latest_changes(scope).filter(task__responsibilities__role=Responsibility.Role.LEAD,
                                                    task__retired_on__isnull=True).order_by()
                      .values_list("task__responsibilities__unit_id", "status", "color").annotate(n=Count("pk")),
                      totals=dict(lead_responsibilities_in(scope).order_by().values_list("unit_id")
                                  .annotate(n=Count("pk"))))


def _history_breakdown(scope: Scope) -> tuple[Counts, list[dict]]:
    counts, domains = breakdown(latest_changes(scope), "status", "color", "task__domain")
    counts.fill_to(tasks_in(scope).count())  # tasks with no history by then: 未评估
    domain_totals = dict(tasks_in(scope).order_by().values_list("domain").annotate(n=Count("pk")))
    for d in domains:
        d["counts"].fill_to(domain_totals.pop(d["domain"], 0))
    for name, n in domain_totals.items():  # a domain none of whose tasks was assessed yet
        c = Counts()
        c.fill_to(n)
        domains.append({"domain": name, "label": name or "未分类", "counts": c})
    return counts, domains


def current_breakdown(scope: Scope) -> tuple[Counts, list[dict]]:
    """Today's counts in all and by domain: the maintained counts (PostgreSQL), else one aggregate query."""
    key = tally_scope(scope)
    if key is None:
        return breakdown(tasks_in(scope))
    return _breakdown_of(TaskTally.objects.filter(scope=key, n__gt=0).values_list("status", "color", "domain", "n"))


def breakdown(rows: QuerySet, status: str = "status", color: str = "status_color", domain: str = "domain"
              ) -> tuple[Counts, list[dict]]:
    """Counts in all and by domain, in one aggregate query."""
    return _breakdown_of(rows.order_by().values_list(status, color, domain).annotate(n=Count("pk")))


def _breakdown_of(rows) -> tuple[Counts, list[dict]]:
    """Counts in all and by domain from (status, colour, domain, n) rows."""
    counts = Counts()
    by_domain: dict[str, Counts] = defaultdict(Counts)
    for status, color, domain, n in rows:
        counts.add(status, color, n)
        by_domain[domain].add(status, color, n)
    domains = [{"domain": d, "label": d or "未分类", "counts": c} for d, c in by_domain.items()]
    domains.sort(key=lambda r: (-r["counts"].total, r["label"]))
    return counts, domains


def _unit_rows(values, totals: dict[int, int] | None = None) -> list[dict]:
    """Per unit from (unit id, status, colour, n) rows; `totals`: each unit's tasks (the rest 未评估)."""
    by_unit: dict[int, Counts] = defaultdict(Counts)
    for unit_id, status, color, n in values:
        by_unit[unit_id].add(status, color, n)
    for unit_id, n in (totals or {}).items():
        by_unit[unit_id].fill_to(n)
    names = dict(Unit.objects.filter(pk__in=list(by_unit)).values_list("pk", "name"))
    rows = []
    for unit_id, c in by_unit.items():
        rows.append({"id": unit_id, "name": names.get(unit_id, ""), "counts": c,
                     "done": c.statuses.get(A.Status.DONE.value, 0), "on_track": c.in_statuses(ON_TRACK),
                     "behind": c.in_statuses(BEHIND), "overdue": c.statuses.get(A.Status.OVERDUE.value, 0),
                     "lagging": c.in_statuses(LAGGING), "score": R.score(c.statuses)})
    return rows


def ranked_units(rows: list[dict]) -> list[dict]:
    """By the one ranking formula (`duban.ranking`, stated on the page and in the bulletins)."""
    return R.rank(rows, score_of=lambda r: r["score"], led_of=lambda r: r["counts"].total,
                  name_of=lambda r: r["name"], set_rank=lambda r, n: r.__setitem__("rank", n))


def most_lagging_units(rows: list[dict], limit: int = TOP_UNITS) -> list[dict]:
    rows = sorted(rows, key=lambda r: (-r["counts"].colors["red"], -r["lagging"], -r["counts"].total, r["name"]))
    return rows[:limit]


def lead_names(task_ids) -> dict[int, list[Unit]]:
    out: dict[int, list[Unit]] = defaultdict(list)
    for r in (Responsibility.objects.filter(task_id__in=list(task_ids), role=Responsibility.Role.LEAD)
              .select_related("unit").order_by("task_id", "order")):
        out[r.task_id].append(r.unit)
    return out


def _lagging(rows: QuerySet, counts: Counts, task: str, limit: int = LAGGING_LIMIT) -> list[dict]:
    """The worst `limit` lagging tasks: one small indexed query per lagging status, worst first
    (sorting every lagging task of a big ledger by severity would cost more than all the counting)."""
    found = []
    for status in LAGGING:
        wanted = min(counts.statuses.get(status.value, 0), limit - len(found))
        if wanted <= 0:
            continue
        if task:  # StatusChange rows
            picked = (rows.filter(status=status.value).select_related("task__plan")
                      .order_by("task__sort_key", "task_id"))
            found += [(r.task, r.status, r.color, r.reason) for r in picked[:wanted]]
        else:
            picked = rows.filter(status=status.value).select_related("plan").order_by(*LIST_ORDER)
            found += [(t, t.status, t.status_color, t.status_reason) for t in picked[:wanted]]
    leads = lead_names(t.pk for t, *_ in found)
    return [{"task": t, "status": s, "color": color_of(c), "reason": r, "leads": leads.get(t.pk, [])}
            for t, s, c, r in found]


def value_rows(report) -> list[dict]:
    """A report's values as written in reports: 城镇新增就业 36.61万人 (占年计划104.6%)."""
    return [{"metric": o.metric, "value": fmt_number(o.value, o.unit) if o.value is not None else "—",
             "percent": o.percent} for o in report.observations.all()]


# ------------------------------------------------------------------------------ trend


def month_ends(year: int, until: date) -> list[date]:
    out = []
    for month in range(1, 13):
        d = date.fromordinal(date(year + month // 12, month % 12 + 1, 1).toordinal() - 1)
        if d > until:
            break
        out.append(d)
    return out


def trend_year(scope: Scope) -> int:
    return scope.year or (scope.plan.year if scope.plan else None) or scope.as_of.year


def trend_scope_key(scope: Scope) -> str:
    if scope.plan is not None:
        return f"plan:{scope.plan.pk}"
    return f"year:{scope.year}" if scope.year else "all"


def trend(scope: Scope, stamp: str | None = None, total: int | None = None) -> list[dict]:
    """Per month end of the scope's year (up to the as-of date): tasks in each colour, from the stored
    daily aggregates (TrendPoint), each computed from the history once and kept until a change dated
    on or before its day is recorded (or an import). `total`: the scope's task count, if known."""
    from duban.ledger.models import TrendPoint

    ends = month_ends(trend_year(scope), scope.as_of)
    if not ends:
        return []
    key = trend_scope_key(scope)
    stored = {p.day: p.counts for p in TrendPoint.objects.filter(scope=key, day__in=ends)}
    missing = [d for d in ends if d not in stored]
    if missing:
        computed = _trend_counts(scope, missing)
        TrendPoint.objects.bulk_create([TrendPoint(scope=key, day=d, counts=c) for d, c in computed.items()],
                                       ignore_conflicts=True)
        stored.update(computed)
    total = tasks_in(scope).count() if total is None else total
    return [{"date": d, "counts": dict(stored[d]), "total": total,
             "unassessed": max(total - sum(stored[d].values()), 0)} for d in ends]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite gives text


def _trend_counts(scope: Scope, ends: list[date]) -> dict[date, dict[str, int]]:
    """The tasks of the scope in each colour at each of `ends` (ascending), from the history (one query)."""
    task_sql, task_params = tasks_in(scope).order_by().values("pk").query.sql_with_params()
    table = StatusChange._meta.db_table
    # Each task-level change holds from its date until the task's next change (several changes on one
    # date: only the last one holds). Changes are counted per (colour, from, until): few groups, as
    # assessments happen on few dates; each group then adds to the month ends inside its interval.
    sql = f"""
        SELECT ch.color, ch.as_of, ch.next_as_of, COUNT(*)
        FROM (SELECT sc.color, sc.as_of,
                     LEAD(sc.as_of) OVER (PARTITION BY sc.task_id ORDER BY sc.as_of, sc.id) AS next_as_of
              FROM {table} sc
              WHERE sc.indicator_id IS NULL AND sc.as_of <= %s AND sc.task_id IN ({task_sql})) ch
        WHERE ch.next_as_of IS NULL OR ch.next_as_of > ch.as_of
        GROUP BY ch.color, ch.as_of, ch.next_as_of"""
    counts = [dict.fromkeys(COLORS, 0) for _ in ends]
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(ends[-1]), *task_params])
        for color, since, until, n in cursor.fetchall():
            since, until = _as_date(since), _as_date(until)
            for k, end in enumerate(ends):  # the month ends with since <= end < until
                if since <= end and (until is None or end < until):
                    counts[k][color_of(color)] += n
    return dict(zip(ends, counts))


# ------------------------------------------------------------------------------ the task list


SORTS = {  # the list order is the tasks' sort key (plan year desc, genre, plan, order): an index
    "plan": LIST_ORDER,
    "number": ("order", *LIST_ORDER),
    "status": None,  # by severity, worst first
}


def parse_statuses(values: list[str]) -> list[str]:
    """Status filter values (Chinese names or codes, 'lagging', 'unassessed') → stored status values."""
    out: list[str] = []
    for v in values:
        v = (v or "").strip()
        if not v:
            continue
        if v == "lagging":
            out.extend(s.value for s in LAGGING)
        elif v in ("unassessed", UNASSESSED):
            out.append("")
        else:
            try:
                out.append(A.Status.parse(v).value)
            except Exception:
                out.append("__none__")
    return list(dict.fromkeys(out))


@dataclass
class TaskFilters:
    q: str = ""
    statuses: list[str] = field(default_factory=list)
    color: str = ""
    unit: int | None = None
    lead_only: bool = False  # the unit leads the task (not only co-operates)
    domain: str = ""
    section: int | None = None
    plan: int | None = None
    year: int | None = None
    sort: str = "plan"

    @classmethod
    def from_params(cls, params) -> TaskFilters:
        sort = params.get("sort") or "plan"
        return cls(q=(params.get("q") or "").strip()[:200], statuses=params.getlist("status"),
                   color=(params.get("color") or "").strip(), unit=parse_int(params.get("unit")),
                   lead_only=params.get("unit_role") == "lead",
                   domain=(params.get("domain") or "").strip(), section=parse_int(params.get("section")),
                   plan=parse_int(params.get("plan")), year=parse_int(params.get("year")),
                   sort=sort if sort in SORTS else "plan")


def filter_tasks(qs: QuerySet, f: TaskFilters) -> QuerySet:
    qs = search_tasks(qs, f.q)
    statuses = parse_statuses(f.statuses)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if f.color in COLORS:
        qs = qs.filter(Q(status_color=f.color) | Q(status_color="")) if f.color == "grey" else qs.filter(
            status_color=f.color)
    if f.unit is not None:
        held = Responsibility.objects.filter(task_id=OuterRef("pk"), unit_id=f.unit)
        if f.lead_only:
            held = held.filter(role=Responsibility.Role.LEAD)
        qs = qs.filter(Exists(held))
    if f.domain:  # "-" is 未分类 (no domain)
        qs = qs.filter(domain="" if f.domain == NO_DOMAIN else f.domain)
    if f.section is not None:
        qs = qs.filter(section_id=f.section)
    if f.plan is not None:
        qs = qs.filter(plan_id=f.plan)
    if f.year is not None:
        qs = in_year(qs, f.year)
    if f.sort == "status":
        return qs.order_by(severity_order().desc(), *LIST_ORDER)
    return qs.order_by(*SORTS[f.sort])
