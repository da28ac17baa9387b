"""四性检测 (DA/T 70-2018): authenticity (真实性: stored bytes match the recorded hashes),
integrity (完整性: no gaps in 件号, the stage table's required items present), usability
(可用性: every item opens and is an allowed format), security (安全性: local storage is not
world-readable). Each finding names the property, the 档号 or case and what is wrong."""

import os
import stat
from dataclasses import dataclass

from documents import storage
from documents.hashing import digest_stream
from registry.models import Household, ResettlementSite

from .completeness import household_gaps, site_gaps
from .models import ArchiveFile, ArchiveItem

# The formats the archive accepts (documents: PDF; evidence: JPEG, PNG, PDF), by their first bytes.
SIGNATURES = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",),
              "jpeg": (b"\xff\xd8\xff",)}


@dataclass(frozen=True)
class Finding:
    property: str  # 真实性 / 完整性 / 可用性 / 安全性
    subject: str
    problem: str

    def __str__(self):
        return f"[{self.property}] {self.subject}：{self.problem}"


def _items(area_code: str):
    return ArchiveItem.objects.select_related("file").filter(file__area_code__startswith=area_code)


def check_authenticity_and_usability(area_code: str = "") -> list[Finding]:
    findings = []
    for item in _items(area_code).order_by("id"):
        extension = item.storage_name.rsplit(".", 1)[-1].lower()
        try:
            with storage.open_stored(item.storage_name) as stream:
                head = stream.read(16)
                stream.seek(0)
                digests = digest_stream(stream)
        except OSError as error:
            findings.append(Finding("可用性", item.archival_code, f"无法打开存储文件（{error.__class__.__name__}）"))
            continue
        if digests.sha256 != item.sha256 or digests.sm3 != item.sm3:
            findings.append(Finding("真实性", item.archival_code, "存储文件的哈希值与归档时记录的不一致"))
        if extension not in SIGNATURES:
            findings.append(Finding("可用性", item.archival_code, f"不允许的文件格式 .{extension}"))
        elif not head.startswith(SIGNATURES[extension]):
            findings.append(Finding("可用性", item.archival_code, f"文件内容不是有效的 .{extension} 格式"))
    return findings


def check_integrity(area_code: str = "") -> list[Finding]:
    findings = []
    for archive_file in ArchiveFile.objects.select_related("category").filter(area_code__startswith=area_code):
        numbers = set(archive_file.items.values_list("item_number", flat=True))
        missing = sorted(set(range(1, archive_file.last_item_number + 1)) - numbers)
        if missing:
            shown = "、".join(str(n) for n in missing[:10])
            findings.append(Finding("完整性", archive_file.file_code, f"件号不连续，缺第 {shown} 件"))
    for household in Household.objects.filter(area_code__startswith=area_code).order_by("number"):
        for gap in household_gaps(household):
            findings.append(Finding("完整性", f"搬迁户 {household.number}",
                                    f"{gap.stage_label}阶段缺少：{'、'.join(gap.missing)}"))
    for site in ResettlementSite.objects.filter(area_code__startswith=area_code).order_by("code"):
        for gap in site_gaps(site):
            findings.append(Finding("完整性", f"安置点 {site.name}", f"{gap.stage_label}阶段缺少：{'、'.join(gap.missing)}"))
    return findings


def check_security() -> list[Finding]:
    findings = []
    location = getattr(storage.archive_storage(), "location", None)
    if location and os.path.isdir(location):
        for directory, _subdirs, files in os.walk(location):
            for name in [directory, *(os.path.join(directory, f) for f in files)]:
                if os.stat(name).st_mode & stat.S_IROTH:
                    findings.append(Finding("安全性", os.path.relpath(name, location) or ".", "存储对所有用户可读"))
                    if len(findings) >= 20:
                        return findings
    return findings


def check_archive(area_code: str = "", *, security: bool = True) -> list[Finding]:
    findings = check_authenticity_and_usability(area_code) + check_integrity(area_code)
    if security:
        findings += check_security()
    return findings
