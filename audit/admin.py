from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for superusers; auditors get their scoped browser in supervision/."""

    list_display = ("id", "occurred_at", "actor_username", "action", "target_type", "target_id", "area_code")
    list_filter = ("action",)
    search_fields = ("actor_username", "target_id", "area_code")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
