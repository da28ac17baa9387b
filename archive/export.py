"""Export packages (issue 7 ★): a household's, a village's (its own files and all its households')
or a site's archive as a ZIP holding one BagIt bag (RFC 8493):

    <name>/bagit.txt, bag-info.txt (source organisation, date, 档号 of every file),
           manifest-sha256.txt, tagmanifest-sha256.txt,
           data/<part>/items/<档号>.<ext>       the filed PDFs and images, byte for byte
           data/<part>/metadata/<档号>.json     DA/T 46-style fields per item
           data/<part>/catalogues/<案卷档号>-<册>.pdf  each file's 案卷封面 and 卷内目录

<part> is `.` for a household or a site; a village bag has `village/` and `households/<户编号>/`.
`verify_bag` validates one and names what differs."""

import contextlib
import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import bagit
from django.utils import timezone

from documents import storage
from documents.issuers import issuer_for
from registry.models import Household

from .catalogue import catalogue_pdf, volumes_of
from .models import ArchiveFile, ArchiveItem


class ExportKind:
    HOUSEHOLD, VILLAGE, SITE = "household", "village", "site"
    LABELS = {HOUSEHOLD: "搬迁户档案", VILLAGE: "村级档案（含本村搬迁户）", SITE: "集中安置点档案"}


@dataclass
class Part:
    folder: str  # under data/
    files: list[ArchiveFile] = field(default_factory=list)


@contextlib.contextmanager
def _quiet_bagit():
    """bagit logs a line per file at INFO: thousands of lines per village in a worker's log."""
    logger = logging.getLogger("bagit")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _safe(code: str) -> str:
    return code.replace("·", "_")


def item_metadata(item: ArchiveItem) -> dict:
    archive_file = item.file
    subject = (f"搬迁户 {archive_file.household.number}" if archive_file.household_id
               else f"安置点 {archive_file.site.name}" if archive_file.site_id else f"区划 {archive_file.area_code}")
    data = {
        "档号": item.archival_code, "题名": item.title, "责任者": item.responsible, "文号": item.reference_number,
        "日期": item.date.isoformat(), "页数": item.pages, "保管期限": item.get_retention_display(),
        "全宗号": archive_file.fonds_code, "类别": archive_file.category.name, "案卷": archive_file.file_code,
        "案卷题名": archive_file.title, "立卷对象": subject, "区划代码": archive_file.area_code,
        "件号": item.item_number, "SHA-256": item.sha256, "SM3": item.sm3,
        "归档时间": timezone.localtime(item.filed_at).isoformat(),
        "文件格式": item.storage_name.rsplit(".", 1)[-1].lower(),
    }
    if item.evidence_id and item.evidence.withdrawn_at:
        data["撤回"] = {"时间": timezone.localtime(item.evidence.withdrawn_at).isoformat(),
                      "原因": item.evidence.withdrawal_reason}
    return data


def _files(queryset):
    return list(queryset.select_related("category", "household", "site")
                .order_by("category__order", "year", "file_number"))


def parts_for(kind: str, subject) -> list[Part]:
    """What goes into the bag: a household's files; a site's; a village's own and its households'."""
    if kind == ExportKind.HOUSEHOLD:
        return [Part(".", _files(ArchiveFile.objects.filter(household=subject)))]
    if kind == ExportKind.SITE:
        return [Part(".", _files(ArchiveFile.objects.filter(site=subject)))]
    if kind == ExportKind.VILLAGE:
        parts = [Part("village", _files(ArchiveFile.objects.filter(subject_key=f"a:{subject.code}")))]
        for household in Household.objects.filter(area_code=subject.code).order_by("number"):
            parts.append(Part(f"households/{household.number}",
                              _files(ArchiveFile.objects.filter(household=household))))
        return parts
    raise ValueError(f"unknown export kind {kind!r}")


def work_of(parts: list[Part]) -> int:
    """Units of progress: one per item and one per catalogue volume."""
    return sum(f.items.count() + volumes_of(f) for part in parts for f in part.files)


def write_bag_zip(kind: str, subject, target, *, progress: Callable[[int, int], None] | None = None) -> list[str]:
    """Write the bag of `subject` as a ZIP into the binary file object `target`; returns the files' 档号."""
    parts = parts_for(kind, subject)
    total, done = work_of(parts), 0
    area_code = subject.code if kind == ExportKind.VILLAGE else subject.area_code
    name = {ExportKind.HOUSEHOLD: f"household-{getattr(subject, 'number', '')}",
            ExportKind.VILLAGE: f"village-{area_code}",
            ExportKind.SITE: f"site-{getattr(subject, 'code', '') or subject.pk}"}[kind]
    codes: list[str] = []

    def step():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        for part in parts:
            base = root / part.folder
            for folder in ("items", "metadata", "catalogues"):
                (base / folder).mkdir(parents=True, exist_ok=True)
            for archive_file in part.files:
                codes.append(archive_file.file_code)
                items = (archive_file.items.select_related("file__category", "file__household", "file__site",
                                                           "evidence").order_by("item_number"))
                for item in items:
                    extension = item.storage_name.rsplit(".", 1)[-1].lower()
                    with storage.open_stored(item.storage_name) as source, \
                            open(base / "items" / f"{_safe(item.archival_code)}.{extension}", "wb") as out:
                        shutil.copyfileobj(source, out)
                    (base / "metadata" / f"{_safe(item.archival_code)}.json").write_text(
                        json.dumps(item_metadata(item), ensure_ascii=False, indent=2), encoding="utf-8")
                    step()
                for volume in range(1, volumes_of(archive_file) + 1):
                    (base / "catalogues" / f"{_safe(archive_file.file_code)}-{volume}.pdf").write_bytes(
                        catalogue_pdf(archive_file, volume=volume))
                    step()
        with _quiet_bagit():
            bagit.make_bag(str(root), {
                "Source-Organization": issuer_for(area_code).organ,
                "Bagging-Date": timezone.localdate().isoformat(),
                "External-Identifier": " ".join(codes) or "（无案卷）",
                "External-Description": f"易地扶贫搬迁{ExportKind.LABELS[kind]} {name}",
                "Bag-Group-Identifier": area_code,
            }, checksums=["sha256"])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root.parent).as_posix())
    return codes


def household_bag_zip(household) -> bytes:
    import io

    buffer = io.BytesIO()
    write_bag_zip(ExportKind.HOUSEHOLD, household, buffer)
    return buffer.getvalue()


def verify_bag(path: str) -> list[str]:
    """Problems found in a bag (a directory or a ZIP holding one); empty when it validates."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(path)
        if not target.exists():
            return [f"找不到导出包：{path}"]
        if target.is_file():
            if not zipfile.is_zipfile(target):
                return ["不是 ZIP 压缩包，也不是 bag 目录"]
            with zipfile.ZipFile(target) as archive:
                for member in archive.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        return [f"压缩包含有不安全的路径：{member}"]
                archive.extractall(tmp)
            roots = [p for p in Path(tmp).iterdir() if p.is_dir()]
            if len(roots) != 1:
                return ["压缩包中应当只有一个 bag 目录"]
            target = roots[0]
        try:
            with _quiet_bagit():
                bagit.Bag(str(target)).validate()
        except bagit.BagValidationError as error:
            details = [str(d) for d in getattr(error, "details", None) or []]
            return details or [str(error)]
        except bagit.BagError as error:
            return [str(error)]
        return []
