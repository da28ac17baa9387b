"""Filing (归档): every generated document version and every evidence item goes into its file when
it is created, in the creating transaction, with a gap-free 件号 and a 档号 that carries area codes,
categories and serials only — never an ID number."""

from django.db import transaction
from django.utils import timezone

from documents.issuers import issuer_for
from registry.models import AdminArea
from registry.people import display_name

from .models import ArchiveCategory, ArchiveFile, ArchiveItem, FileCounter, FilingRule, Level, Source
from .scheme import ensure_scheme


def level_of_area(area_code: str) -> str:
    """12-digit 统计用区划代码: a village has its last three digits, a township its middle three."""
    if area_code[9:] != "000":
        return Level.VILLAGE
    if area_code[6:9] != "000":
        return Level.TOWNSHIP
    return Level.COUNTY


def category_for(source: str, type_code: str, level: str) -> ArchiveCategory:
    ensure_scheme()
    rule = FilingRule.objects.select_related("category").filter(source=source, type_code=type_code,
                                                                   level=level).first()
    if rule is not None:
        return rule.category
    default = ArchiveCategory.objects.filter(level=level, is_default=True).order_by("order").first()
    if default is None:
        default = ArchiveCategory.objects.filter(level=level).order_by("order").first()
    if default is None:
        raise LookupError(f"档案分类方案缺少层级 {level} 的类别")
    return default


def _subject(*, household=None, site=None, area_code: str):
    """(level, subject key, area code, title stem) of the file an item belongs to."""
    if household is not None:
        return Level.HOUSEHOLD, f"h:{household.pk}", household.area_code, f"{household.number}户"
    if site is not None:
        return Level.SITE, f"s:{site.pk}", site.area_code, site.name
    level = level_of_area(area_code)
    area = AdminArea.objects.filter(code=area_code).first()
    return level, f"a:{area_code}", area_code, area.name if area else area_code


def _file_for(category: ArchiveCategory, *, year: int, subject_key: str, area_code: str, household, site,
              stem: str) -> ArchiveFile:
    """The file, locked; a new one takes the next 案卷号 from its counter (locked FOR UPDATE)."""
    fonds = area_code[:6]
    existing = ArchiveFile.objects.select_for_update().filter(category=category, year=year,
                                                              subject_key=subject_key).first()
    if existing is not None:
        return existing
    FileCounter.objects.get_or_create(fonds_code=fonds, category=category, year=year)
    counter = FileCounter.objects.select_for_update().get(fonds_code=fonds, category=category, year=year)
    existing = ArchiveFile.objects.select_for_update().filter(category=category, year=year,
                                                              subject_key=subject_key).first()
    if existing is not None:
        return existing
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return ArchiveFile.objects.create(
        category=category, year=year, fonds_code=fonds, file_number=counter.last_number, subject_key=subject_key,
        area_code=area_code, household=household, site=site,
        title=f"{stem}易地扶贫搬迁档案·{category.name}（{year}年）",
    )


def _file_item(*, source: str, type_code: str, household, site, area_code: str, when, **fields) -> ArchiveItem:
    level, key, code, stem = _subject(household=household, site=site, area_code=area_code)
    category = category_for(source, type_code, level)
    year = timezone.localtime(when).year
    with transaction.atomic():
        archive_file = _file_for(category, year=year, subject_key=key, area_code=code, household=household,
                                 site=site, stem=stem)
        archive_file.last_item_number += 1
        archive_file.save(update_fields=["last_item_number"])
        number = archive_file.last_item_number
        return ArchiveItem.objects.create(
            file=archive_file, item_number=number, archival_code=f"{archive_file.file_code}-{number:03d}",
            retention=category.retention, date=timezone.localtime(when).date(), **fields,
        )


def file_document_version(version) -> ArchiveItem:
    document = version.document
    return _file_item(
        source=Source.DOCUMENT, type_code=document.doc_type, household=document.household, site=document.site,
        area_code=document.area_code, when=version.generated_at, document_version=version,
        title=document.title if version.version == 1 else f"{document.title}（第{version.version}版）",
        reference_number=document.number, responsible=document.issuing_organ, pages=version.pages,
        storage_name=version.storage_name, sha256=version.sha256, sm3=version.sm3, filed_by=version.generated_by,
    )


def file_evidence(evidence) -> ArchiveItem:
    area_code = evidence.household.area_code if evidence.household_id else evidence.site.area_code
    uploader = evidence.uploaded_by
    responsible = display_name(uploader) if uploader else issuer_for(area_code).organ
    title = evidence.get_kind_display()
    if evidence.description:
        title = f"{title}（{evidence.description}）"
    return _file_item(
        source=Source.EVIDENCE, type_code=evidence.kind, household=evidence.household, site=evidence.site,
        area_code=area_code, when=evidence.uploaded_at, evidence=evidence, title=title[:200],
        reference_number="", responsible=responsible[:100], pages=evidence.pages or 1,
        storage_name=evidence.storage_name, sha256=evidence.sha256, sm3=evidence.sm3, filed_by=uploader,
    )
