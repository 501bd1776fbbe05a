"""The Django admin for the supervision, in Chinese: for looking things up, read-only.

Cases, problems, change requests and their histories are written by the services, with audit entries
and reassessment; a hand edit would make them disagree with the audit trail.
"""
from django.contrib import admin

from duban.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from duban.supervision import models as m


class ReadOnlyInline(ReadOnlyTabularInline):
    pass


class CaseEventInline(ReadOnlyInline):
    model = m.CaseEvent
    fields = ["on", "kind", "actor_name", "from_state", "to_state", "note"]
    readonly_fields = fields


class CaseFileInline(ReadOnlyInline):
    model = m.CaseFile
    fields = ["name", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


class UrgeInline(ReadOnlyInline):
    model = m.Urge
    fields = ["created", "level", "deadline", "reason", "escalated_to_leaders"]
    readonly_fields = fields


@admin.register(m.Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "source", "lead_unit", "deadline", "state", "opened_on"]
    list_filter = ["state", "source", "year"]
    search_fields = ["number", "title", "reason", "lead_unit__name"]
    autocomplete_fields = ["lead_unit", "co_units"]
    raw_id_fields = ["task", "problem", "instruction_comment", "instructed_by", "opened_by"]
    readonly_fields = ["year", "seq", "number", "state", "created_at", "updated_at"]
    inlines = [CaseEventInline, CaseFileInline, UrgeInline]


@admin.register(m.Urge)
class UrgeAdmin(ReadOnlyAdmin):
    list_display = ["case", "level", "deadline", "created", "escalated_to_leaders"]
    list_filter = ["level", "escalated_to_leaders"]
    search_fields = ["case__number", "case__title"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(m.Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "text", "created", "read_at"]
    list_filter = ["kind", "created"]
    search_fields = ["user__username", "text"]
    raw_id_fields = ["user"]


class ProblemEventInline(ReadOnlyInline):
    model = m.ProblemEvent
    fields = ["on", "action", "actor_name", "from_state", "to_state", "note"]
    readonly_fields = fields


@admin.register(m.Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["id", "task", "source", "text", "state", "coordinator", "found_on", "resolved_on"]
    list_filter = ["state", "source"]
    search_fields = ["text", "task__title", "task__content"]
    raw_id_fields = ["task", "raised_by", "coordinator"]
    readonly_fields = ["state", "created_at"]
    inlines = [ProblemEventInline]


@admin.register(m.ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "task", "kind", "subject", "original_display", "requested_display", "unit", "state",
                    "requested_on"]
    list_filter = ["state", "kind"]
    search_fields = ["subject", "reason", "unit__name"]
    raw_id_fields = ["task", "indicator", "milestone", "requested_by", "decided_by"]
    readonly_fields = ["state", "original_value", "original_due", "decided_by", "decided_on", "created_at"]

    @admin.display(description="原值")
    def original_display(self, obj):
        return obj.original_display

    @admin.display(description="申请值")
    def requested_display(self, obj):
        return obj.requested_display


@admin.register(m.Clue)
class ClueAdmin(ReadOnlyAdmin):
    list_display = ["code", "task", "text", "submitted_at"]
    search_fields = ["code", "text"]
    readonly_fields = ["code", "task", "problem", "text", "contact", "ip_hash", "submitted_at"]

    def has_add_permission(self, request):
        return False
