from django.contrib import admin

from duban.bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    """Bulletins are made, approved and published by the services; the admin only shows them."""

    list_display = ("title", "number", "plan", "as_of", "state", "created_by_name", "created_at", "published_at")
    list_filter = ("state", "plan")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Bulletin._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
