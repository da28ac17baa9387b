from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for the audit administrator (三员: `accounts.read_audit_log`, a permission asked by
    name, so this app still imports nothing of ours) and the superuser; auditors get their scoped
    browser in supervision/."""

    def _reads(self, request):
        return request.user.is_superuser or request.user.has_perm("accounts.read_audit_log")

    list_display = ("id", "occurred_at", "actor_username", "action", "target_type", "target_id", "area_code")
    list_filter = ("action",)
    search_fields = ("actor_username", "target_id", "area_code")

    def has_module_permission(self, request):
        return self._reads(request)

    def has_view_permission(self, request, obj=None):
        return self._reads(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
