"""The administrators' Django admin (三员分立), over registry's own admin classes.

registry/admin.py keeps officials, posts and grants for the superuser (installation). Here the
same pages open to the duty that owns them, and to nobody else:
- user accounts (add, change, set a password: an initial password the owner must change) and the
  area tree: the system administrator (`accounts.manage_officials`);
- posts granted on areas, and post groups: the security administrator (`accounts.manage_grants`);
- administrators themselves: the superuser only.
A grant to an administrator (or the superuser) is refused: the three hold no post, so no case
data and no approval can ever reach them.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.duties import DutyRefused, appoint, check_appointment
from accounts.models import AccountSecurity, Administrator
from audit.log import record
from registry.admin import AdminAreaAdmin, GroupGrantForm, OfficialAdmin, PostAdmin, UserGrantForm
from registry.models import AdminArea

MANAGE_OFFICIALS = "accounts.manage_officials"
MANAGE_GRANTS = "accounts.manage_grants"
NO_POST_FOR_ADMINISTRATORS = "三员（系统、安全、审计管理员）及超级用户不得持有业务岗位：请为业务人员另设账号。"


def is_privileged(user) -> bool:
    """An administrator or the superuser: someone who may hold no post."""
    return user.is_superuser or Administrator.objects.filter(user=user).exists()


class GuardedGrantMixin:
    """Refuses a post to an administrator, to the superuser and to the granting user."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.get_obj_perms_field_name()):
            for user in self.grantees():
                if is_privileged(user) or user.pk == self.request.user.pk:
                    self.add_error(self.get_obj_perms_field_name(), NO_POST_FOR_ADMINISTRATORS
                                   if is_privileged(user) else "不能给自己授予岗位。")
                    break
        return cleaned


class SeparatedUserGrantForm(GuardedGrantMixin, UserGrantForm):
    def grantees(self):
        return [self.user]


class SeparatedGroupGrantForm(GuardedGrantMixin, GroupGrantForm):
    def grantees(self):
        return list(self.group.user_set.all())


class AreaAdmin(AdminAreaAdmin):
    """Areas: the system administrator keeps the tree; the security administrator grants posts."""

    def _may(self, request, perm):
        return request.user.is_superuser or request.user.has_perm(perm)

    def get_queryset(self, request):
        if self._may(request, MANAGE_OFFICIALS) or self._may(request, MANAGE_GRANTS):
            # The area tree is configuration, not case data: both administrators see all of it.
            return AdminArea.objects.select_related("parent")
        return super().get_queryset(request)

    def has_module_permission(self, request):
        return self._may(request, MANAGE_OFFICIALS) or self._may(request, MANAGE_GRANTS) or \
            super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, MANAGE_OFFICIALS) or self._may(request, MANAGE_GRANTS) or \
            super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._may(request, MANAGE_OFFICIALS) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self._on_grants_page(request):
            # guardian's grant views ask for the model's change permission: on them, granting is it.
            return self._may(request, MANAGE_GRANTS)
        return self._may(request, MANAGE_OFFICIALS) or super().has_change_permission(request, obj)

    @staticmethod
    def _on_grants_page(request):
        match = getattr(request, "resolver_match", None)
        return bool(match and match.url_name and "_permissions" in match.url_name)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and self._may(request, MANAGE_OFFICIALS):
            kwargs["queryset"] = AdminArea.objects.exclude(level="village")
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _superuser_only(self, request):
        # The grants pages: the security administrator's (and the superuser's, at installation).
        if not self._may(request, MANAGE_GRANTS):
            raise PermissionDenied

    def get_obj_perms_manage_user_form(self, request):
        return type("RequestUserGrantForm", (SeparatedUserGrantForm,), {"request": request})

    def get_obj_perms_manage_group_form(self, request):
        return type("RequestGroupGrantForm", (SeparatedGroupGrantForm,), {"request": request})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = admin.ModelAdmin.render_change_form(self, request, context, add, change, form_url, obj)
        if self._may(request, MANAGE_GRANTS):
            response.template_name = ["admin/guardian/model/change_form.html", "admin/change_form.html"]
        else:
            response.template_name = ["admin/registry/adminarea/change_form.html", "admin/change_form.html"]
        return response


class AccountAdmin(OfficialAdmin):
    """User accounts: the system administrator's. Administrators' own accounts, superuser status,
    groups (posts) and raw permissions stay out of reach: those are the superuser's and the
    security administrator's."""

    def _manages(self, request):
        return request.user.is_superuser or request.user.has_perm(MANAGE_OFFICIALS)

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_privileged(obj):
            return False  # an administrator's account is changed by the superuser only
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # accounts are deactivated, not deleted (the audit trail names them)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "groups", "user_permissions"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # An initial password, known to the administrator: its owner changes it at first sign-in.
            AccountSecurity.objects.update_or_create(user=obj, defaults={"must_change_password": True})

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and response.url != request.get_full_path():
                AccountSecurity.objects.update_or_create(user_id=id, defaults={"must_change_password": True})
        return response


class GroupAdminForDuty(PostAdmin):
    """Post groups carry posts: the security administrator's."""

    def _may(self, request):
        return request.user.is_superuser or request.user.has_perm(MANAGE_GRANTS)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        from registry.models import AreaGroupGrant

        if AreaGroupGrant.objects.filter(group=group).exists() and any(is_privileged(u) for u in group.user_set.all()):
            raise PermissionDenied(NO_POST_FOR_ADMINISTRATORS)


class AdministratorForm(forms.ModelForm):
    class Meta:
        model = Administrator
        fields = ["user", "duty"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("user") and cleaned.get("duty"):
            try:
                check_appointment(cleaned["user"], cleaned["duty"])
            except DutyRefused as refused:
                raise forms.ValidationError(str(refused))
        return cleaned


@admin.register(Administrator)
class AdministratorAdmin(admin.ModelAdmin):
    """Appointing the three administrators: the superuser's one task after installation."""

    form = AdministratorForm
    list_display = ("user", "duty", "appointed_at")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        appoint(obj.user, obj.duty, actor=request.user, request=request)

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(request.user, "accounts.duty_removed", obj.user, {"duty": obj.duty}, request=request)
            obj.delete()


User = get_user_model()
for _model, _admin in ((User, AccountAdmin), (Group, GroupAdminForDuty), (AdminArea, AreaAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, _admin)
