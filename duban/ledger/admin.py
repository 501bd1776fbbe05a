"""The Django admin, in Chinese, for looking ledger data up: read-only (corrections are made on the task page,
through the audited actions)."""
from django.contrib import admin

from duban.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from duban.ledger import models as m


class ResponsibilityInline(ReadOnlyTabularInline):
    model = m.Responsibility
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(ReadOnlyTabularInline):
    model = m.Indicator
    extra = 0


class MilestoneInline(ReadOnlyTabularInline):
    model = m.Milestone
    extra = 0


@admin.register(m.Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "city", "year", "genre", "updated_at"]
    list_filter = ["year", "genre", "city"]
    search_fields = ["title"]


@admin.register(m.Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "plan", "domain"]
    list_filter = ["plan", "domain"]
    search_fields = ["number", "title", "content"]
    inlines = [ResponsibilityInline, IndicatorInline, MilestoneInline]


class AliasInline(ReadOnlyTabularInline):
    model = m.UnitAlias
    extra = 0


@admin.register(m.Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]


class CheckpointInline(ReadOnlyTabularInline):
    model = m.Checkpoint
    extra = 0


@admin.register(m.Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["metric", "target", "unit", "qualifier", "task"]
    search_fields = ["metric", "task__content"]
    inlines = [CheckpointInline]


class ObservationInline(ReadOnlyTabularInline):
    model = m.Observation
    extra = 0


@admin.register(m.ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["task", "as_of", "state", "created_at"]
    list_filter = ["state", "as_of"]
    inlines = [ObservationInline]


@admin.register(m.SourceDocument)
class SourceDocumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "format", "size", "imported_at", "imported_by"]
    exclude = ["content"]
    readonly_fields = ["sha256", "size", "format", "extraction", "imported_at", "imported_by"]


@admin.register(m.Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["message", "code", "task", "where", "resolved"]
    list_filter = ["code", "resolved"]


@admin.register(m.StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["task", "indicator", "as_of", "status", "color"]
    list_filter = ["status", "color"]


@admin.register(m.PendingValue)
class PendingValueAdmin(ReadOnlyAdmin):
    """Looked up here; decided in the review page (进展审核), through the audited actions."""
    list_display = ["__str__", "task", "reason", "state", "decided_on"]
    list_filter = ["state", "reason"]
    search_fields = ["metric", "sentence"]
