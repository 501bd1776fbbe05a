"""The Django admin, in Chinese, for correcting ledger data by hand."""
from django.contrib import admin

from duban.ledger import models as m


class ResponsibilityInline(admin.TabularInline):
    model = m.Responsibility
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.TabularInline):
    model = m.Indicator
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = m.Milestone
    extra = 0


@admin.register(m.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "year", "genre", "updated_at"]
    list_filter = ["year", "genre", "city"]
    search_fields = ["title"]


@admin.register(m.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "domain"]
    list_filter = ["plan", "domain"]
    search_fields = ["number", "title", "content"]
    inlines = [ResponsibilityInline, IndicatorInline, MilestoneInline]


class AliasInline(admin.TabularInline):
    model = m.UnitAlias
    extra = 0


@admin.register(m.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]


class CheckpointInline(admin.TabularInline):
    model = m.Checkpoint
    extra = 0


@admin.register(m.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["metric", "target", "unit", "qualifier", "task"]
    search_fields = ["metric", "task__content"]
    inlines = [CheckpointInline]


class ObservationInline(admin.TabularInline):
    model = m.Observation
    extra = 0


@admin.register(m.ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "as_of", "state", "created_at"]
    list_filter = ["state", "as_of"]
    inlines = [ObservationInline]


@admin.register(m.SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "format", "size", "imported_at", "imported_by"]
    exclude = ["content"]
    readonly_fields = ["sha256", "size", "format", "extraction", "imported_at", "imported_by"]


@admin.register(m.Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["message", "code", "task", "where", "resolved"]
    list_filter = ["code", "resolved"]


@admin.register(m.StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["task", "indicator", "as_of", "status", "color"]
    list_filter = ["status", "color"]


@admin.register(m.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    readonly_fields = [f.name for f in m.AuditEntry._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is append-only

    def has_delete_permission(self, request, obj=None):
        return False
