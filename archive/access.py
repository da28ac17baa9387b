"""The chokepoint for archive files (docs/style.md): a file is read where its case is read — a household's
or an area's own file with registry.view_household, a site's with registry.view_resettlementsite."""

from django.http import Http404

from registry.scope import area_q, get_object_for

from .models import ArchiveFile, ArchiveItem

HOUSEHOLD_VIEW = "registry.view_household"
SITE_VIEW = "registry.view_resettlementsite"


def visible_files(user):
    return ArchiveFile.objects.select_related("category", "household", "site").filter(
        (area_q(user, HOUSEHOLD_VIEW) & ArchiveFile.site_filter(False))
        | (area_q(user, SITE_VIEW) & ArchiveFile.site_filter(True))
    )


def get_file_for(user, pk) -> ArchiveFile:
    queryset = ArchiveFile.objects.select_related("category", "household", "site")
    try:
        is_site = queryset.filter(pk=pk).values_list("site_id", flat=True).get() is not None
    except (ArchiveFile.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    return get_object_for(user, queryset, pk, view_perm=SITE_VIEW if is_site else HOUSEHOLD_VIEW)


def get_item_for(user, pk) -> ArchiveItem:
    try:
        item = ArchiveItem.objects.select_related("file").get(pk=pk)
    except (ArchiveItem.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    get_file_for(user, item.file_id)
    return item
