"""The Django admin of the registry, scoped like every other page.

A superuser manages areas, officials, posts and role grants. Everyone else sees in the admin
exactly what `registry.scope` lets them see: querysets start from `area_q`, object questions go
through `user.has_perm(perm, obj)` (answered by area prefix), an object outside scope is a 404
(never a redirect that confirms it exists), a read-only post (auditors) gets 403 on every write.
Every create, change and delete made here is an audit event, in the admin's own transaction.
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from guardian.admin import AdminGroupObjectPermissionsForm, AdminUserObjectPermissionsForm, GuardedModelAdmin

from audit.log import record
from registry import editing
from registry.changes import all_field_names, member_changes, member_values, snapshot
from registry.choices import areas_for, cadres_for, official_label, sites_for
from registry.forms import HouseholdForm, MemberForm, MemberInlineFormSet, SiteForm
from registry.models import AdminArea, AreaLevel, Household, Member, Relation, ResettlementSite
from registry.roles import ROLES
from registry.scope import area_q

NOT_FOUND = "未找到该记录，或不在您的管辖范围内。"


# ---------------------------------------------------------------- audit events


class AuditedAdminMixin:
    """Writes `<audit_name>.create/change/delete` events with the values before and after."""

    audit_name = ""

    def save_model(self, request, obj, form, change):
        if change:
            fresh = type(obj)._base_manager.get(pk=obj.pk)
            form._audit_before = snapshot(fresh, form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        pending = [self.formset_events(formset) for formset in formsets]
        super().save_related(request, form, formsets, change)  # m2m are saved here: "after" comes next
        obj = form.instance
        if change:
            before = getattr(form, "_audit_before", {})
            after = snapshot(obj, before)
            changes = {name: {"before": before[name], "after": after[name]}
                       for name in before if before[name] != after[name]}
            if changes:
                record(request.user, f"{self.audit_name}.change", obj, {"changes": changes}, request=request)
        else:
            record(request.user, f"{self.audit_name}.create", obj,
                   {"values": snapshot(obj, all_field_names(type(obj)))}, request=request)
        for events in pending:
            for action, target, data in events:
                data = data() if callable(data) else data  # a new row's values exist once it is saved
                record(request.user, action, target, data, request=request)

    def formset_events(self, formset):
        """(action, target, data) for each inline row, computed before the formset is saved;
        `data` may be a callable, evaluated after saving."""
        return []

    def delete_model(self, request, obj):
        record(request.user, f"{self.audit_name}.delete", obj,
               {"values": snapshot(obj, all_field_names(type(obj)))}, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the bulk action, unlike the delete view, runs outside a transaction
            for obj in queryset:
                record(request.user, f"{self.audit_name}.delete", obj,
                       {"values": snapshot(obj, all_field_names(type(obj)))}, request=request)
            super().delete_queryset(request, queryset)


# ---------------------------------------------------------------- scope


class ScopedAdminMixin:
    """Rows and objects limited to the user's grants; 404 outside them; 403 for read-only posts."""

    scope_field = "area_code"

    def perm(self, action):
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"

    def user_may(self, request, action, obj=None):
        perm = self.perm(action)
        return request.user.has_perm(perm) if obj is None else request.user.has_perm(perm, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(area_q(request.user, self.perm("view"), self.scope_field))

    def has_view_permission(self, request, obj=None):
        return self.user_may(request, "view", obj) or self.user_may(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self.user_may(request, "change", obj)

    def has_add_permission(self, request):
        return self.user_may(request, "add")

    def has_delete_permission(self, request, obj=None):
        return self.user_may(request, "delete", obj)

    def get_object(self, request, object_id, from_field=None):
        # Django's admin answers a missing object with a redirect and a message naming the id;
        # outside one's scope that would confirm the case exists. A plain 404 says nothing.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(NOT_FOUND)
        return obj

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and not (
            self.has_change_permission(request) or self.has_delete_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


# ---------------------------------------------------------------- areas and grants


def _role_choices():
    return [(codename, role.label) for codename, role in ROLES.items()]


class AuditedGrantFormMixin:
    """Only the roles can be granted on an area (scope ignores any other permission there),
    and each grant or revocation is an audit event."""

    request = None
    grantee_kind = ""

    def get_obj_perms_field_choices(self):
        return _role_choices()

    def get_obj_perms_field_label(self):
        return "岗位（角色）"

    def grantee(self):
        raise NotImplementedError

    def save_obj_perms(self):
        before = set(self.get_obj_perms_field_initial()) & set(ROLES)
        after = set(self.cleaned_data[self.get_obj_perms_field_name()])
        super().save_obj_perms()
        if before != after:
            who = self.grantee()
            record(self.request.user, f"area.grant_{self.grantee_kind}", self.obj, {
                self.grantee_kind: {"id": who.pk, "name": str(who)},
                "added": sorted(after - before), "removed": sorted(before - after),
            }, request=self.request)


class UserGrantForm(AuditedGrantFormMixin, AdminUserObjectPermissionsForm):
    grantee_kind = "user"

    def grantee(self):
        return self.user


class GroupGrantForm(AuditedGrantFormMixin, AdminGroupObjectPermissionsForm):
    grantee_kind = "group"

    def grantee(self):
        return self.group


@admin.register(AdminArea)
class AdminAreaAdmin(AuditedAdminMixin, ScopedAdminMixin, GuardedModelAdmin):
    """The area tree. Its "对象权限" page is where a superuser grants posts (roles) on an area."""

    audit_name = "area"
    scope_field = "code"
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("code",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = AdminArea.objects.exclude(level=AreaLevel.VILLAGE).filter(
                area_q(request.user, "registry.view_adminarea", field="code"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _superuser_only(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied

    def obj_perms_manage_view(self, request, object_pk):
        self._superuser_only(request)
        return super().obj_perms_manage_view(request, object_pk)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        self._superuser_only(request)
        with transaction.atomic():
            return super().obj_perms_manage_user_view(request, object_pk, user_id)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        self._superuser_only(request)
        with transaction.atomic():
            return super().obj_perms_manage_group_view(request, object_pk, group_id)

    def get_obj_perms_manage_user_form(self, request):
        return type("RequestUserGrantForm", (UserGrantForm,), {"request": request})

    def get_obj_perms_manage_group_form(self, request):
        return type("RequestGroupGrantForm", (GroupGrantForm,), {"request": request})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if not request.user.is_superuser:
            # The grants button leads to a superuser-only page: nobody else is shown it.
            response.template_name = ["admin/registry/adminarea/change_form.html", "admin/change_form.html"]
        return response


# ---------------------------------------------------------------- households and members


class MemberInline(admin.StackedInline):
    model = Member
    form = MemberForm
    formset = MemberInlineFormSet
    extra = 1
    readonly_fields = ("masked_id", "sex", "birth_date")
    entry_fieldsets = [
        (None, {"fields": [("name", "relation"), ("id_number_entry", "masked_id"), ("sex", "birth_date"),
                           ("labour_ability", "willing_to_work", "employment"),
                           ("state_salaried", "relative_of_state_salaried", "prior_housing_benefit")]}),
    ]

    @admin.display(description="身份证号码（脱敏）")
    def masked_id(self, member):
        return member.id_number_masked if member.pk else "—"

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj) or self.has_add_permission(request, obj):
            return self.entry_fieldsets
        # Read-only posts see the masked number and no entry field.
        return [(None, {"fields": [("name", "relation"), ("masked_id",), ("sex", "birth_date"),
                                   ("labour_ability", "willing_to_work", "employment"),
                                   ("state_salaried", "relative_of_state_salaried", "prior_housing_benefit")]})]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # a fresh class per call: safe to carry the request
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if self.has_add_permission(request, obj) else 0

    def _may(self, request, action, household):
        perm = f"registry.{action}_member"
        return request.user.has_perm(perm) if household is None else request.user.has_perm(perm, household)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    @staticmethod
    def _locked(household):
        # registry/editing.py: after 审核 the member list is what was approved (not even superusers).
        return household is not None and not editing.registry_editable(household.stage)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and self._may(request, "change", obj)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and self._may(request, "add", obj)

    def has_delete_permission(self, request, obj=None):
        # A member may be struck out only while the case is being entered (申报); afterwards the
        # list has been reviewed and posted publicly, and changes go through the lifecycle.
        if obj is not None and not editing.members_deletable(obj.stage):
            return False
        return self._may(request, "delete", obj)


@admin.register(Household)
class HouseholdAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    audit_name = "household"
    form = HouseholdForm
    inlines = [MemberInline]
    list_display = ("number", "head_name", "village", "stage", "masked_phone", "resettlement_mode")
    list_filter = ("stage", "resettlement_mode", ("village", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("village",)
    search_fields = ("number", "poverty_reg_number", "members__name")
    # The stage and what the lifecycle records (验收, 拆旧复垦, 后扶) are written by transitions only.
    readonly_fields = ("stage", "stage_round", "stage_entered_at", "area_code", "actual_floor_area",
                       "old_house_kept", "old_house_kept_reason", "reclaimed_area_mu", "follow_up_officer",
                       "created_at", "updated_at")
    show_full_result_count = False
    fieldsets = [
        ("户基本信息", {"fields": [("number", "village"), ("stage", "area_code"),
                              ("poverty_registered", "poverty_reg_number"), "relocation_reason",
                              ("responsible_cadre", "contact_phone")]}),
        ("安置方式", {"fields": [("resettlement_mode", "site"), "scattered_location", "on_original_homestead"]}),
        ("面积与资金", {"fields": [("planned_floor_area", "self_funding", "homestead_area")]}),
        ("例外情形", {"fields": [("whole_village_relocation", "new_geological_hazard")]}),
        ("办理过程记录（由审批流程写入）", {"fields": [("stage_round", "stage_entered_at"), "actual_floor_area",
                                         ("old_house_kept", "old_house_kept_reason"), "reclaimed_area_mu",
                                         "follow_up_officer", ("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("name")[:1]
        return super().get_queryset(request).annotate(head_name=Subquery(head))

    @admin.display(description="户主", ordering="head_name")
    def head_name(self, household):
        return household.head_name or "—"

    @admin.display(description="联系电话")
    def masked_phone(self, household):
        return household.contact_phone_masked or "—"

    def has_delete_permission(self, request, obj=None):
        # Cases are never deleted: removal (清退) is a lifecycle transition with an approved reason.
        return False

    def has_change_permission(self, request, obj=None):
        # registry/editing.py: after 审核 the registry facts are what was approved; the page is
        # read-only for everyone, superusers included (a data-integrity rule, not a permission).
        if obj is not None and not editing.registry_editable(obj.stage):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Once reviewed and posted (评议, 公示) the number and village are on paper: fixed.
            fields = (*editing.fixed_fields(obj.stage), *fields)
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if not editing.registry_editable(obj.stage) and self.user_may(request, "change", obj):
                # A crafted POST to a locked case: refused in words, nothing stored.
                messages.error(request, editing.stage_locked_message(obj.stage))
                return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "village":
            kwargs["queryset"] = areas_for(user, "registry.add_household", [AreaLevel.VILLAGE])
        elif db_field.name == "site":
            kwargs["queryset"] = sites_for(user, "registry.add_household")
        elif db_field.name == "responsible_cadre":
            kwargs["queryset"] = cadres_for(user, "registry.add_household")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "responsible_cadre" and field is not None:
            field.label_from_instance = official_label
        return field

    def formset_events(self, formset):
        events = []
        for form in formset.forms:
            member = form.instance
            if formset.can_delete and formset._should_delete_form(form):
                if member.pk:
                    events.append(("member.delete", copy.copy(member), {"values": self.member_values(member)}))
                continue
            if member.pk is None:
                if form.has_changed():
                    events.append(("member.create", member, lambda m=member: {"values": self.member_values(m)}))
                continue
            changes = self.member_changes(form)
            if changes:
                events.append(("member.change", member, {"changes": changes}))
        return events

    # The audit payloads of members, shared with the household entry page and the API.
    member_changes = staticmethod(member_changes)
    member_values = staticmethod(member_values)


@admin.register(ResettlementSite)
class ResettlementSiteAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    audit_name = "site"
    form = SiteForm  # the API registers and corrects sites with the same form (api/site_edit.py)
    list_display = ("code", "name", "area", "kind", "stage", "planned_units", "planned_persons")
    list_filter = ("stage", "kind")
    list_select_related = ("area",)
    search_fields = ("code", "name")
    readonly_fields = ("stage", "area_code", "created_at", "updated_at")
    fieldsets = [
        (None, {"fields": [("code", "name"), ("area", "area_code"), ("kind", "stage"), "location",
                           ("latitude", "longitude")]}),
        ("规划规模", {"fields": [("planned_units", "planned_persons", "planned_funds")]}),
        ("登记信息", {"fields": [("created_at", "updated_at")]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # a site is a case too: never deleted

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = areas_for(request.user, "registry.add_resettlementsite",
                                           [AreaLevel.COUNTY, AreaLevel.TOWNSHIP])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# ---------------------------------------------------------------- officials and posts (superuser only)


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


User = get_user_model()
for _model in (User, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class OfficialAdmin(SuperuserOnlyMixin, AuditedAdminMixin, UserAdmin):
    audit_name = "user"

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path():
                record(request.user, "user.password_set", self.get_object(request, unquote(id)), {}, request=request)
        return response


@admin.register(Group)
class PostAdmin(SuperuserOnlyMixin, AuditedAdminMixin, GroupAdmin):
    audit_name = "group"

