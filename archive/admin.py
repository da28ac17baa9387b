"""The classification scheme is configuration, edited by the system administrator (三员:
`accounts.manage_configuration`; the superuser at installation); provinces publish their own. Files
and items are the record and read-only; the 四性 runs are integrity results, read by the audit
administrator (`accounts.read_audit_log`)."""

from django.contrib import admin

from registry.admin import SuperuserOnlyMixin

from .models import ArchiveCategory, ArchiveFile, ArchiveItem, ExportJob, FilingRule, FourPropertiesRun


class SuperuserOnly(SuperuserOnlyMixin, admin.ModelAdmin):
    def _configures(self, request):
        return request.user.is_superuser or request.user.has_perm("accounts.manage_configuration")

    def has_module_permission(self, request):
        return self._configures(request)

    def has_view_permission(self, request, obj=None):
        return self._configures(request)

    def has_add_permission(self, request):
        return self._configures(request)

    def has_change_permission(self, request, obj=None):
        return self._configures(request)

    def has_delete_permission(self, request, obj=None):
        return self._configures(request)


class FilingRuleInline(admin.TabularInline):
    model = FilingRule
    extra = 0


@admin.register(ArchiveCategory)
class ArchiveCategoryAdmin(SuperuserOnly):
    list_display = ["level", "order", "code", "name", "retention", "is_default"]
    list_filter = ["level", "retention"]
    inlines = [FilingRuleInline]


@admin.register(FilingRule)
class FilingRuleAdmin(SuperuserOnly):
    list_display = ["source", "type_code", "level", "category"]
    list_filter = ["source", "level"]
    search_fields = ["type_code"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ArchiveFile)
class ArchiveFileAdmin(ReadOnly):
    list_display = ["title", "fonds_code", "category", "year", "file_number", "last_item_number"]
    list_filter = ["category__level", "year"]


@admin.register(ArchiveItem)
class ArchiveItemAdmin(ReadOnly):
    list_display = ["archival_code", "title", "reference_number", "date", "retention"]
    search_fields = ["archival_code", "reference_number"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnly):
    list_display = ["id", "kind", "subject_label", "requested_by", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(FourPropertiesRun)
class FourPropertiesRunAdmin(ReadOnly):
    def has_module_permission(self, request):
        return request.user.is_superuser or request.user.has_perm("accounts.read_audit_log")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("accounts.read_audit_log")

    list_display = ["area_code", "ran_at", "passed", "finding_count", "summary"]
    list_filter = ["passed"]
