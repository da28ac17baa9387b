"""The catalogue (卷内目录) of a file as a PDF through the documents engine, with the cover sheet
(案卷封面) on the first volume; a long catalogue is split into volumes of
ARCHIVE_CATALOGUE_ITEMS_PER_VOLUME items instead of one huge render (TRAPS.md: ~150 ms a page)."""

import math

from django.conf import settings
from django.template.loader import render_to_string

from documents.issuers import issuer_for
from documents.pdf import render_html

PARTS = ("catalogue", "cover")


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
        "volumes": volumes_of(archive_file), "total": len(dates), "organ": issuer_for(archive_file.area_code).organ,
        "first_date": min(dates) if dates else None, "last_date": max(dates) if dates else None,
        "pages": pages, "cover": part == "cover" or volume == 1, "list": part == "catalogue",
    })
    rendered = render_html(html)
    if rendered.refused:
        raise ValueError(f"模板引用了不允许的资源：{rendered.refused[0][:80]}")
    return rendered.data
