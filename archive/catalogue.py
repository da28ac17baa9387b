"""The catalogue (卷内目录) of a file as a PDF through the documents engine, with the cover sheet
(案卷封面) on the first volume; a long catalogue is split into volumes of
ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME items instead of one huge render (docs/traps.md: ~150 ms a page)."""

import math

from django.conf import settings
from django.template.loader import render_to_string

from documents.issuers import issuer_for
from documents.pdf import render_html
from registry.models import AdminArea

from .models import Level

PARTS = ("catalogue", "cover")


def _area_name(code: str) -> str:
    return AdminArea.objects.filter(code=code).values_list("name", flat=True).first() or code


def township_organ(name: str) -> str:
    # A 街道 is run by its 办事处, a 乡/镇 by its 人民政府 (地方各级人民代表大会和地方各级人民政府组织法).
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


def village_organ(name: str) -> str:
    # An urban 社区 has a 居民委员会, a 村 its 村民委员会.
    return f"{name}居民委员会" if name.endswith("社区") else f"{name}村民委员会"


def filing_organ(archive_file) -> str:
    """立卷单位 (DA/T 22): the organ of the file's level — the county's relocation office (the
    configured issuing organ) for the county and its sites, the township's government, the
    village committee for the village and for its households."""
    level = archive_file.category.level
    if level == Level.TOWNSHIP:
        return township_organ(_area_name(archive_file.area_code[:9] + "000"))
    if level in (Level.VILLAGE, Level.HOUSEHOLD):
        return village_organ(_area_name(archive_file.area_code))
    return issuer_for(archive_file.area_code).organ  # county, site (the site model names no other unit)


def volumes_of(archive_file) -> int:
    return max(1, math.ceil(archive_file.items.count() / settings.ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME))


def catalogue_pdf(archive_file, *, volume: int = 1, part: str = "catalogue") -> bytes:
    """`part` "catalogue": the volume's 卷内目录 (behind the cover on volume 1); "cover": the cover alone."""
    if part not in PARTS:
        raise ValueError(part)
    size = settings.ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME
    items = archive_file.items.order_by("item_number")
    dates = list(items.values_list("date", flat=True))
    pages = sum(items.values_list("pages", flat=True))
    html = render_to_string("archive/pdf/catalogue.html", {
        "file": archive_file, "items": items[(volume - 1) * size: volume * size], "volume": volume,
        "volumes": volumes_of(archive_file), "total": len(dates), "organ": filing_organ(archive_file),
        "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
        "pages": pages, "cover": part == "cover" or volume == 1, "list": part == "catalogue",
    })
    rendered = render_html(html)
    if rendered.refused:
        raise ValueError(f"模板引用了不允许的资源：{rendered.refused[0][:80]}")
    return rendered.data
