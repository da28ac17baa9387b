"""Issuing and revoking API tokens: superusers only. The key is shown once, on issue."""

from django.contrib import admin, messages
from django.utils import timezone

from audit.log import record

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    fields = ("user", "name", "expires_at", "prefix", "created_by", "created_at", "last_used_at", "revoked_at",
              "revoked_by")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by")
    autocomplete_fields = ()
    actions = ["revoke"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser and (obj is None or obj.revoked_at is None)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: who held which key stays on record

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("user", *self.readonly_fields)
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            record(request.user, "api_token.change", obj, {"name": obj.name, "expires_at": obj.expires_at},
                   request=request)
            return
        token, key = ApiToken.issue(user=obj.user, name=obj.name, created_by=request.user, expires_at=obj.expires_at)
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        record(request.user, "api_token.issue", token, {"user": token.user.get_username(), "name": token.name,
                                                        "prefix": token.prefix}, request=request)
        messages.warning(request, f"接口令牌已签发，密钥仅显示这一次，请立即交给对接系统妥善保存：{key}")

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        now = timezone.now()
        for token in queryset.filter(revoked_at__isnull=True):
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=now, revoked_by=request.user)
            record(request.user, "api_token.revoke", token, {"user": token.user.get_username(), "name": token.name,
                                                             "prefix": token.prefix}, request=request)
        messages.success(request, "所选令牌已吊销。")
