"""Searching the tasks: one meaning for the pages and the API.

A query is split on spaces (ideographic ones too) into at most MAX_TERMS terms; a task matches when
every term occurs in its number, title, content or domain, or in the name of one of its units.
Case does not matter (Chinese has none).

On PostgreSQL each column has a pg_trgm GIN index (migration 0005_scale_search_trgm) and a term is
a `LIKE '%term%'` (`ILIKE` when it has case) the index answers: the tasks holding a term are found through the indexes (the
columns' and the unit names'), never by reading every task. On SQLite it is a plain scan (LIKE is
case-insensitive there for ASCII, as Django's `icontains` is).
"""
from __future__ import annotations

from django.db.models import BigAutoField, CharField, Lookup, Q, QuerySet, TextField

MAX_TERMS = 10
# The pages and the API count a search's matches only up to this many (more: "1000项以上", a lower
# bound): a frequent term's tasks are tens of thousands in a province's ledger, and counting them all
# reads every one while the page itself reads only its rows (duban.web.queries.page_of).
SEARCH_COUNT_CAP = 1000
COLUMNS = ("number", "title", "content", "domain")


@CharField.register_lookup
@TextField.register_lookup
class Contains(Lookup):
    """`column ILIKE '%term%'` on PostgreSQL (what a pg_trgm index answers: Django's `icontains`
    there is UPPER(column) LIKE UPPER(…), which no index does); LIKE elsewhere (SQLite: case-blind)."""

    lookup_name = "search_contains"

    def get_db_prep_lookup(self, value, connection):
        return "%s", [f"%{connection.ops.prep_for_like_query(value)}%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]  # SQLite: case-blind for ASCII


@BigAutoField.register_lookup
class InArray(Lookup):
    """`id = ANY(ARRAY(subquery))` on PostgreSQL: the subquery runs once and its ids are an index
    condition, so an OR of it with the trigram lookups is one BitmapOr of indexes (a plain
    `IN (subquery)` there is a filter, which makes the planner read every task); `IN` elsewhere."""

    lookup_name = "in_array"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


def search_terms(q: str | None) -> list[str]:
    return [t for t in (q or "").replace("\u3000", " ").split() if t][:MAX_TERMS]


def term_filter(term: str) -> Q:
    """The tasks one term is in: its columns' matches or the tasks of the units whose name holds it
    (on PostgreSQL each part an index condition: the planner may walk the list order's index and stop
    at a page of a frequent term, or OR the indexes' bitmaps for a rare one)."""
    from duban.ledger.models import Responsibility

    # A term with no case (Chinese) is a plain LIKE: PostgreSQL's ILIKE folds the case of every row's
    # text first, several times slower; the trigram indexes answer both.
    lookup = "contains" if term.lower() == term.upper() else "search_contains"
    in_columns = Q()
    for column in COLUMNS:
        in_columns |= Q(**{f"{column}__{lookup}": term})
    by_unit = Responsibility.objects.filter(**{f"unit__name__{lookup}": term}).order_by().values("task_id")
    return in_columns | Q(id__in_array=by_unit)


def search_tasks(tasks: QuerySet, q: str | None) -> QuerySet:
    """`tasks` kept to those that hold every term of `q` (see the module's docstring)."""
    for term in search_terms(q):
        tasks = tasks.filter(term_filter(term))
    return tasks
