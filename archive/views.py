"""The archive browser: the tree county → township → village and county → site over the files in
the user's scope (a village's households on the village's page, paged), each file's 卷内目录, each
item opened and each catalogue printed (audit events), and the completeness report."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.log import record
from documents import storage
from documents.permissions import ADD_DOCUMENT
from documents.spreadsheets import download_name
from registry.models import AdminArea, AreaLevel, Household, ResettlementSite
from registry.scope import area_q, covers, get_household_for, get_site_for

from . import crossrefs
from .access import HOUSEHOLD_VIEW, get_file_for, get_item_for, visible_files
from .catalogue import catalogue_pdf, volumes_of
from .completeness import gap_rows, scoped_households, site_gaps, write_gaps_xlsx
from .completeness import report as completeness_report
from .export import household_bag_zip
from .jobs import request_completeness

TREE_PAGE_SIZE = 200  # households per page of a village's archive

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def _depth(code: str) -> int:
    return 0 if code[6:] == "000000" else (1 if code[9:] == "000" else 2)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """County and township levels with their own files, the villages as links to their pages, and
    the sites; no household is read here, so a county of any size opens in a few queries."""
    areas = {a.code: a for a in AdminArea.objects.filter(area_q(request.user, HOUSEHOLD_VIEW, field="code"))}
    tree: dict[str, dict] = {code: {"area": area, "code": code, "files": [], "villages": []}
                             for code, area in areas.items() if _depth(code) < 2}
    villages = sorted((a for a in areas.values() if _depth(a.code) == 2), key=lambda a: a.code)
    sites: dict[int, dict] = {site.pk: {"site": site, "files": []}
                              for site in ResettlementSite.objects.visible_to(request.user).order_by("code")}
    # County and township files only (a township's code ends in 000, a village's never does).
    level_files = (visible_files(request.user).filter(household__isnull=True, site__isnull=True,
                                                      area_code__endswith="000")
                   .order_by("area_code", "category__order", "year"))
    for archive_file in level_files:
        tree.setdefault(archive_file.area_code, {"area": areas.get(archive_file.area_code),
                                                 "code": archive_file.area_code, "files": [],
                                                 "villages": []})["files"].append(archive_file)
    for archive_file in (visible_files(request.user).filter(site__isnull=False)
                         .order_by("site__code", "category__order", "year")):
        sites.setdefault(archive_file.site_id, {"site": archive_file.site, "files": []})["files"].append(archive_file)
    orphans = []  # a village post's own village: no township row above it
    for village in villages:
        parent = tree.get(village.code[:9] + "000")
        (parent["villages"] if parent else orphans).append(village)
    writable = set(AdminArea.objects.filter(area_q(request.user, ADD_DOCUMENT, field="code"))
                   .values_list("code", flat=True))
    rows = [{**tree[code], "depth": _depth(code), "can_generate": code in writable} for code in sorted(tree)]
    for site_id, entries in crossrefs.hosted_at(sites).items():  # 跨县安置户: files kept by the home county
        sites[site_id]["hosted"] = entries
    return render(request, "archive/index.html", {"rows": rows, "orphans": orphans, "sites": list(sites.values()),
                                                  "writable": writable})


@login_required
def village(request: HttpRequest) -> HttpResponse:
    """A village's own files and its households' files (/archive/areas/?code=<village code>),
    TREE_PAGE_SIZE households a page: the same few queries for a village of 10 or of 2,000
    households. Without a code it is the index's to show."""
    code = request.GET.get("code", "")
    if not code:
        return redirect("archive:index")
    try:
        area = AdminArea.objects.filter(area_q(request.user, HOUSEHOLD_VIEW, field="code")).get(
            code=code, level=AreaLevel.VILLAGE)
    except AdminArea.DoesNotExist:
        raise Http404("未找到该记录，或不在您的管辖范围内。")
    own = list(visible_files(request.user).filter(area_code=area.code, household__isnull=True, site__isnull=True)
               .order_by("category__order", "year"))
    households = Household.objects.visible_to(request.user).filter(area_code=area.code).order_by("number")
    page = Paginator(households.only("pk", "number", "resettlement_mode", "stage"),
                     TREE_PAGE_SIZE).get_page(request.GET.get("page"))
    files: dict[int, list] = {}
    for archive_file in (visible_files(request.user).filter(household__in=[h.pk for h in page.object_list])
                         .order_by("household__number", "category__order", "year")):
        files.setdefault(archive_file.household_id, []).append(archive_file)
    return render(request, "archive/village.html", {
        "area": area, "own": own, "page": page, "households": [(h, files.get(h.pk, [])) for h in page.object_list],
        "can_generate": covers(request.user, ADD_DOCUMENT, area.code),
    })


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    archive_file = get_file_for(request.user, pk)
    items = archive_file.items.order_by("item_number")
    village = None
    if not archive_file.household_id and not archive_file.site_id and _depth(archive_file.area_code) == 2:
        village = AdminArea.objects.filter(code=archive_file.area_code).first()
    return render(request, "archive/file_detail.html", {
        "file": archive_file, "items": items, "volumes": range(1, volumes_of(archive_file) + 1), "village": village,
        "placed_away": crossrefs.placed_away(archive_file.household_id),
        "hosted": crossrefs.hosted_at([archive_file.site_id]).get(archive_file.site_id, []) if archive_file.site_id else [],
    })


@login_required
def item_open(request: HttpRequest, pk: int) -> FileResponse:
    item = get_item_for(request.user, pk)
    record(request.user, "archive.open", item.file, {"archival_code": item.archival_code}, request,
           area_code=item.file.area_code)
    extension = item.storage_name.rsplit(".", 1)[-1].lower()
    return FileResponse(storage.open_stored(item.storage_name), content_type=CONTENT_TYPES.get(extension),
                        filename=f"{item.archival_code}.{extension}")


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    """For an area (a code prefix) or one site: what the stages passed require and the archive lacks.
    Over ARCHIVE_COMPLETENESS_INLINE_LIMIT households it is not built in the request: the page
    offers it as a background job (progress, then an Excel download)."""
    area_code = "".join(ch for ch in request.GET.get("area", "") if ch.isdigit())[:12]
    site = get_site_for(request.user, request.GET["site"]) if request.GET.get("site") else None
    sites = ResettlementSite.objects.visible_to(request.user).order_by("code").values_list("pk", "name")
    limit = settings.ARCHIVE_COMPLETENESS_INLINE_LIMIT
    if site is None and scoped_households(request.user, area_code)[: limit + 1].count() > limit:
        return render(request, "archive/completeness.html", {"too_large": limit, "area": area_code, "sites": sites})
    gaps = site_gaps(site) if site is not None else completeness_report(request.user, area_code=area_code)
    rows = list(gap_rows(gaps))
    if request.GET.get("format") == "xlsx":
        record(request.user, "archive.completeness_export", None,
               {"area": area_code, "site": site.pk if site else None, "rows": len(rows)}, request,
               area_code=site.area_code if site else area_code)
        return _xlsx(rows)
    return render(request, "archive/completeness.html", {"rows": rows, "area": area_code, "site": site,
                                                         "sites": sites})


@login_required
@require_POST
def completeness_job(request: HttpRequest) -> HttpResponse:
    """The report of a large area, built in the background (archive.jobs.request_completeness)."""
    area_code = "".join(ch for ch in request.POST.get("area", "") if ch.isdigit())[:12]
    job = request_completeness(request.user, area_code, request)
    return redirect("archive:export_detail", pk=job.pk)


def _xlsx(rows) -> HttpResponse:
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = download_name(f"档案完整性-{timezone.localdate():%Y%m%d}.xlsx")
    write_gaps_xlsx(rows, response)
    return response


@login_required
def household_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's bag, built in the request (tens of items); villages and sites go to a job."""
    household = get_household_for(request.user, pk)
    data = household_bag_zip(household)
    record(request.user, "archive.export", household, {"kind": "household", "bytes": len(data)}, request)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = download_name(f"搬迁户档案-{household.number}.zip")
    return response


@login_required
def file_catalogue(request: HttpRequest, pk: int, part: str = "catalogue") -> HttpResponse:
    archive_file = get_file_for(request.user, pk)
    try:
        volume = int(request.GET.get("volume", "1"))
    except ValueError:
        volume = 1
    volume = min(max(volume, 1), volumes_of(archive_file))
    data = catalogue_pdf(archive_file, volume=volume, part=part)
    record(request.user, "archive.catalogue", archive_file,
           {"file_code": archive_file.file_code, "volume": volume, "part": part}, request,
           area_code=archive_file.area_code)
    response = HttpResponse(data, content_type="application/pdf")
    name = "案卷封面" if part == "cover" else "卷内目录"
    response["Content-Disposition"] = download_name(f"{name}-{archive_file.file_code}-第{volume}册.pdf", inline=True)
    return response
