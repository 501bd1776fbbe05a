"""The admin shows accounts; it does not change them. Users, roles, units and tokens are changed on
duban's own people pages and commands (audited: users.add, users.change, …); a hand edit here would
skip the audit entry, and an office account could make itself a superuser. A superuser keeps the
auth pages (the way back in when every office account is locked out)."""
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from duban.core.admin import ReadOnlyAdmin
from duban.people.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    autocomplete_fields = ["unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "created_at", "last_used"]
    exclude = ["digest"]


class _OnlySuperusersWrite:
    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class AccountAdmin(_OnlySuperusersWrite, UserAdmin):
    pass


class TeamAdmin(_OnlySuperusersWrite, GroupAdmin):
    pass


for model, model_admin in ((User, AccountAdmin), (Group, TeamAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
