"""The integrity results in the admin, read-only, for the audit administrator (三员:
`accounts.read_audit_log`) and the superuser; auditors read them on /supervision/integrity/."""

from django.contrib import admin

from .models import IntegrityCheck


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(admin.ModelAdmin):
    list_display = ("ran_at", "kind", "ok", "checked", "summary")
    list_filter = ("kind", "ok")

    def _reads(self, request):
        return request.user.is_superuser or request.user.has_perm("accounts.read_audit_log")

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
