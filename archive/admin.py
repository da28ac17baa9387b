"""The classification scheme is edited by superusers (provinces publish their own); files and
items are the record and read-only."""

from django.contrib import admin

from registry.admin import SuperuserOnlyMixin

from .models import ArchiveCategory, ArchiveFile, ArchiveItem, ExportJob, FilingRule, FourPropertiesRun


class SuperuserOnly(SuperuserOnlyMixin, admin.ModelAdmin):
    pass


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
    list_display = ["area_code", "ran_at", "passed", "finding_count", "summary"]
    list_filter = ["passed"]
