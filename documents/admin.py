"""Read-only admin pages: archived records are looked at here, never added, changed or deleted
(no delete action either). Scoped like every other list (registry.scope.area_q)."""

from django.contrib import admin

from registry.scope import area_q

from .models import Document, DocumentVersion, Evidence, RenderBatch
from .permissions import READ_HOUSEHOLD


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).filter(area_q(request.user, READ_HOUSEHOLD))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(READ_HOUSEHOLD)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or request.user.has_perm(READ_HOUSEHOLD, obj))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "doc_type", "title", "area_code", "created_by", "created_at")
    list_filter = ("doc_type", "year")
    search_fields = ("number", "title")


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ("document", "version", "size", "sha256", "generated_by", "generated_at")
    search_fields = ("document__number", "sha256", "sm3")
    exclude = ("verify_code",)  # the public code is printed on the paper, not shown around


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "stage", "household", "site", "original_name", "uploaded_by", "uploaded_at",
                    "withdrawn_at")
    list_filter = ("kind", "stage")
    search_fields = ("sha256", "sm3", "original_name", "household__number")


@admin.register(RenderBatch)
class RenderBatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "doc_type", "total", "done", "failed", "status", "started_by", "created_at")
