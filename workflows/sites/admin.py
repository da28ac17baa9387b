"""Read-only admin pages of the site lifecycle's records (the site pages themselves are a later
issue). Scoped like every list: rows outside the user's area are not shown."""

from django.contrib import admin

from registry.scope import area_q
from workflows.models.sites import FundEntry, ProgressReport, SelfFundEntry, SiteOpinion, SiteProject, UnitAllocation

READ_SITE = "registry.view_resettlementsite"
READ_HOUSEHOLD = "registry.view_household"


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    scope_perm = READ_SITE

    def get_queryset(self, request):
        return super().get_queryset(request).filter(area_q(request.user, self.scope_perm))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.scope_perm, obj) if obj is not None else request.user.has_perm(
            self.scope_perm)

    def has_module_permission(self, request):
        return request.user.has_perm(self.scope_perm)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}


@admin.register(SiteProject)
class SiteProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ("site", "start_by", "structure_by", "handover_by", "contractor", "leading_industry")
    list_select_related = ("site",)


@admin.register(SiteOpinion)
class SiteOpinionAdmin(ReadOnlyScopedAdmin):
    list_display = ("site", "stage", "round", "step", "decision", "actor", "created_at")
    list_filter = ("stage", "decision")
    list_select_related = ("site", "actor")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyScopedAdmin):
    list_display = ("site", "reported_on", "percent", "milestone", "reported_by")
    list_filter = ("milestone",)
    list_select_related = ("site", "reported_by")


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ("site", "entry_date", "kind", "amount", "source", "payee", "recorded_by")
    list_filter = ("kind", "source")
    list_select_related = ("site", "recorded_by")


@admin.register(UnitAllocation)
class UnitAllocationAdmin(ReadOnlyScopedAdmin):
    scope_perm = READ_HOUSEHOLD
    list_display = ("site", "unit", "household", "method", "allocated_on")
    list_select_related = ("site", "household")


@admin.register(SelfFundEntry)
class SelfFundEntryAdmin(ReadOnlyScopedAdmin):
    scope_perm = READ_HOUSEHOLD
    list_display = ("household", "entry_date", "kind", "amount", "purpose", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("household", "recorded_by")
