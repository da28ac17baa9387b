"""Export packages (issue 7 ★): a household's archive as a ZIP holding a BagIt bag (RFC 8493) —
the items under data/, a DA/T 46-style metadata JSON per item, manifest-sha256.txt, the tag
manifest and bag-info.txt (source organisation, date, 档号). `verify_bag` validates one."""

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import bagit
from django.utils import timezone

from documents import storage
from documents.issuers import issuer_for

from .models import ArchiveItem


def _safe(code: str) -> str:
    return code.replace("·", "_")


def item_metadata(item: ArchiveItem) -> dict:
    return {
        "档号": item.archival_code, "题名": item.title, "责任者": item.responsible, "文号": item.reference_number,
        "日期": item.date.isoformat(), "页数": item.pages, "保管期限": item.get_retention_display(),
        "类别": item.file.category.name, "案卷": item.file.file_code, "区划代码": item.file.area_code,
        "SHA-256": item.sha256, "SM3": item.sm3, "归档时间": timezone.localtime(item.filed_at).isoformat(),
    }


def household_bag_zip(household) -> bytes:
    items = list(ArchiveItem.objects.select_related("file__category")
                 .filter(file__household=household).order_by("file__category__order", "file__year", "item_number"))
    files = sorted({item.file.file_code for item in items})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / f"household-{household.number}"
        (root / "items").mkdir(parents=True)
        (root / "metadata").mkdir()
        for item in items:
            extension = item.storage_name.rsplit(".", 1)[-1].lower()
            with storage.open_stored(item.storage_name) as source, \
                    open(root / "items" / f"{_safe(item.archival_code)}.{extension}", "wb") as target:
                shutil.copyfileobj(source, target)
            (root / "metadata" / f"{_safe(item.archival_code)}.json").write_text(
                json.dumps(item_metadata(item), ensure_ascii=False, indent=2), encoding="utf-8")
        bagit.make_bag(str(root), {
            "Source-Organization": issuer_for(household.area_code).organ,
            "Bagging-Date": timezone.localdate().isoformat(),
            "External-Identifier": " ".join(files),
            "External-Description": f"易地扶贫搬迁户档案 {household.number}",
        }, checksums=["sha256"])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root.parent).as_posix())
        return buffer.getvalue()


def verify_bag(path: str) -> list[str]:
    """Problems found in a bag (a directory or a ZIP holding one); empty when it validates."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(path)
        if zipfile.is_zipfile(target):
            with zipfile.ZipFile(target) as archive:
                archive.extractall(tmp)
            roots = [p for p in Path(tmp).iterdir() if p.is_dir()]
            if len(roots) != 1:
                return ["压缩包中应当只有一个 bag 目录"]
            target = roots[0]
        try:
            bagit.Bag(str(target)).validate()
        except bagit.BagValidationError as error:
            details = [str(d) for d in getattr(error, "details", None) or []]
            return details or [str(error)]
        except bagit.BagError as error:
            return [str(error)]
        return []
