"""The archive browser: the tree county → township → village → household and county → site over
the files in the user's scope, each file's 卷内目录, each item opened and each catalogue printed
(audit events), and the completeness report."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.log import record
from documents import storage
from documents.permissions import ADD_DOCUMENT
from registry.models import AdminArea, ResettlementSite
from registry.scope import area_q, get_household_for, get_site_for

from .access import HOUSEHOLD_VIEW, get_file_for, get_item_for, visible_files
from .catalogue import catalogue_pdf, volumes_of
from .completeness import report as completeness_report
from .completeness import site_gaps
from .export import household_bag_zip

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def _depth(code: str) -> int:
    return 0 if code[6:] == "000000" else (1 if code[9:] == "000" else 2)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    files = list(visible_files(request.user).order_by("area_code", "household__number", "site_id",
                                                      "category__order", "year"))
    areas = {a.code: a for a in AdminArea.objects.filter(area_q(request.user, HOUSEHOLD_VIEW, field="code"))}
    tree: dict[str, dict] = {code: {"area": area, "code": code, "files": [], "households": {}}
                             for code, area in areas.items()}
    sites: dict[int, dict] = {site.pk: {"site": site, "files": []}
                              for site in ResettlementSite.objects.visible_to(request.user).order_by("code")}
    for archive_file in files:
        if archive_file.site_id:
            node = sites.setdefault(archive_file.site_id, {"site": archive_file.site, "files": []})
            node["files"].append(archive_file)
            continue
        code = archive_file.household.area_code if archive_file.household_id else archive_file.area_code
        node = tree.setdefault(code, {"area": areas.get(code), "code": code, "files": [], "households": {}})
        if archive_file.household_id:
            node["households"].setdefault(archive_file.household, []).append(archive_file)
        else:
            node["files"].append(archive_file)
    writable = set(AdminArea.objects.filter(area_q(request.user, ADD_DOCUMENT, field="code"))
                   .values_list("code", flat=True))
    rows = []
    for code in sorted(tree):
        node = tree[code]
        rows.append({**node, "depth": _depth(code), "is_village": _depth(code) == 2,
                     "can_generate": code in writable,
                     "households": sorted(node["households"].items(), key=lambda pair: pair[0].number)})
    return render(request, "archive/index.html", {"rows": rows, "sites": list(sites.values())})


@login_required
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    archive_file = get_file_for(request.user, pk)
    items = archive_file.items.order_by("item_number")
    village = None
    if not archive_file.household_id and not archive_file.site_id and _depth(archive_file.area_code) == 2:
        village = AdminArea.objects.filter(code=archive_file.area_code).first()
    return render(request, "archive/file_detail.html", {
        "file": archive_file, "items": items, "volumes": range(1, volumes_of(archive_file) + 1), "village": village,
    })


@login_required
def item_open(request: HttpRequest, pk: int) -> FileResponse:
    item = get_item_for(request.user, pk)
    record(request.user, "archive.open", item.file, {"archival_code": item.archival_code}, request,
           area_code=item.file.area_code)
    extension = item.storage_name.rsplit(".", 1)[-1].lower()
    return FileResponse(storage.open_stored(item.storage_name), content_type=CONTENT_TYPES.get(extension),
                        filename=f"{item.archival_code}.{extension}")


def _gap_rows(gaps):
    for gap in gaps:
        subject = gap.subject
        is_site = isinstance(subject, ResettlementSite)
        yield {
            "kind": "安置点" if is_site else "搬迁户",
            "name": subject.name if is_site else subject.number,
            "mode": "" if is_site else subject.get_resettlement_mode_display(),
            "area_code": subject.area_code,
            "stage": gap.stage_label,
            "missing": "、".join(gap.missing),
        }


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    """For an area (a code prefix) or one site: what the stages passed require and the archive lacks."""
    area_code = "".join(ch for ch in request.GET.get("area", "") if ch.isdigit())[:12]
    site = get_site_for(request.user, request.GET["site"]) if request.GET.get("site") else None
    gaps = site_gaps(site) if site is not None else completeness_report(request.user, area_code=area_code)
    rows = list(_gap_rows(gaps))
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows)
    sites = ResettlementSite.objects.visible_to(request.user).order_by("code").values_list("pk", "name")
    return render(request, "archive/completeness.html", {"rows": rows, "area": area_code, "site": site,
                                                         "sites": sites})


def _xlsx(rows) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "档案完整性"
    sheet.append(["类型", "搬迁户编号/安置点", "安置方式", "区划代码", "已过阶段", "缺少的材料"])
    for row in rows:
        sheet.append([row["kind"], row["name"], row["mode"], row["area_code"], row["stage"], row["missing"]])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="completeness.xlsx"'
    book.save(response)
    return response


@login_required
def household_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's bag, built in the request (tens of items); villages and sites go to a job."""
    household = get_household_for(request.user, pk)
    data = household_bag_zip(household)
    record(request.user, "archive.export", household, {"kind": "household", "bytes": len(data)}, request)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="household-{household.number}.zip"'
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
    name = "cover" if part == "cover" else "catalogue"
    response["Content-Disposition"] = f'inline; filename="{name}-{archive_file.pk}-{volume}.pdf"'
    return response
