"""四性检测 (DA/T 70-2018) over an area's archive:

- 真实性 authenticity: the stored bytes of every item match the SHA-256 and SM3 recorded at filing;
- 完整性 integrity: no gaps in any file's 件号, and every household and site has the items its
  passed stages require (archive.completeness);
- 可用性 usability: every item opens and is an allowed format (by its first bytes, not its name);
- 安全性 security: local storage is not world-readable, and every access to the archive recorded in
  the audit log (an item opened, a catalogue printed, an export requested or downloaded, a document
  or evidence download) was made by a user holding, at that moment, a post that covers the area.

Each finding names the property, the 档号 or case (or audit event) and what is wrong."""

import os
import stat
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.models import AuditEvent
from documents import storage
from documents.hashing import digest_stream
from registry.models import PREFIX_LENGTH, AdminArea, AreaGroupGrant, AreaUserGrant, Household, ResettlementSite
from registry.roles import ROLES, roles_with

from .completeness import households_gaps, site_gaps
from .models import ArchiveFile, ArchiveItem

# The formats the archive accepts (documents: PDF; evidence: JPEG, PNG, PDF), by their first bytes.
SIGNATURES = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",),
              "jpeg": (b"\xff\xd8\xff",)}
# Audit actions that read the archive; each must have been made under a covering post.
ACCESS_ACTIONS = ("archive.open", "archive.catalogue", "archive.export", "archive.export_request",
                  "archive.four_properties", "document.download", "evidence.download")
READ_PERM = "registry.view_household"

PROPERTIES = ("真实性", "完整性", "可用性", "安全性")
DESCRIPTIONS = {
    "真实性": "存储文件的 SHA-256 与 SM3 与归档时记录的一致",
    "完整性": "各案卷件号连续；已通过阶段要求的材料齐全",
    "可用性": "每件文件可以打开，且为允许的格式（PDF、JPEG、PNG）",
    "安全性": "存储不对所有用户可读；审计日志中的每次档案访问均由当时具有覆盖该区划岗位的用户进行",
}


@dataclass(frozen=True)
class Finding:
    property: str  # 真实性 / 完整性 / 可用性 / 安全性
    subject: str
    problem: str

    def __str__(self):
        return f"[{self.property}] {self.subject}：{self.problem}"


@dataclass
class Report:
    area_code: str
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # what was checked: items, files, …

    def of(self, prop: str) -> list[Finding]:
        return [f for f in self.findings if f.property == prop]

    @property
    def passed(self) -> bool:
        return not self.findings

    def rows(self):
        return [{"name": p, "description": DESCRIPTIONS[p], "findings": self.of(p), "passed": not self.of(p)}
                for p in PROPERTIES]


PILLOW_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}


def _does_not_open(stream, extension: str) -> str:
    """Why the file does not open as its format ("" when it opens): a PDF parses with every page,
    an image verifies with Pillow."""
    try:
        if extension == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                return "PDF 已加密，无法打开"
            if not reader.pages:
                return "PDF 没有页面"
            for page in reader.pages:
                page.mediabox  # noqa: B018  (touch every page object: a damaged tree fails here)
        else:
            from PIL import Image

            with Image.open(stream, formats=[PILLOW_FORMATS[extension]]) as image:
                image.verify()
    except Exception as error:  # any parser error means the item does not open
        return f"文件无法打开（{error.__class__.__name__}）"
    return ""


def _items(area_code: str):
    return ArchiveItem.objects.select_related("file").filter(file__area_code__startswith=area_code)


def check_authenticity_and_usability(area_code: str = "", counts: dict | None = None) -> list[Finding]:
    findings = []
    checked = 0
    for item in _items(area_code).order_by("id").iterator():
        checked += 1
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
        else:
            with storage.open_stored(item.storage_name) as stream:
                problem = _does_not_open(stream, extension)
            if problem:
                findings.append(Finding("可用性", item.archival_code, problem))
    if counts is not None:
        counts["items"] = checked
    return findings


def check_integrity(area_code: str = "", counts: dict | None = None) -> list[Finding]:
    findings = []
    files = ArchiveFile.objects.select_related("category").filter(area_code__startswith=area_code)
    numbers_of: dict[int, set[int]] = {}
    for file_id, number in _items(area_code).values_list("file_id", "item_number").iterator():
        numbers_of.setdefault(file_id, set()).add(number)
    for archive_file in files.iterator():
        numbers = numbers_of.get(archive_file.pk, set())
        missing = sorted(set(range(1, archive_file.last_item_number + 1)) - numbers)
        if missing:
            shown = "、".join(str(n) for n in missing[:10])
            findings.append(Finding("完整性", archive_file.file_code, f"件号不连续，缺第 {shown} 件"))
    households = Household.objects.filter(area_code__startswith=area_code).order_by("number")
    for gap in households_gaps(households):
        findings.append(Finding("完整性", f"搬迁户 {gap.subject.number}",
                                f"{gap.stage_label}阶段缺少：{'、'.join(gap.missing)}"))
    sites = ResettlementSite.objects.filter(area_code__startswith=area_code).select_related("project").order_by("code")
    for site in sites:
        for gap in site_gaps(site):
            findings.append(Finding("完整性", f"安置点 {site.name}", f"{gap.stage_label}阶段缺少：{'、'.join(gap.missing)}"))
    if counts is not None:
        counts.update(files=files.count(), households=households.count(), sites=sites.count())
    return findings


def check_storage_permissions(limit: int = 20) -> list[Finding]:
    findings = []
    location = getattr(storage.archive_storage(), "location", None)
    if location and os.path.isdir(location):
        for directory, _subdirs, files in os.walk(location):
            for name in [directory, *(os.path.join(directory, f) for f in files)]:
                if os.stat(name).st_mode & stat.S_IROTH:
                    findings.append(Finding("安全性", os.path.relpath(name, location) or ".", "存储对所有用户可读"))
                    if len(findings) >= limit:
                        return findings
    return findings


class _GrantHistory:
    """A user's posts at a moment: today's grants, with the audited grant changes made since then
    undone (registry/admin.py records each as `area.grant_user`: roles added and removed).
    Posts held through a group count as held since the group was granted (membership changes
    are not audited)."""

    def __init__(self):
        self._changes: dict[int, list] = {}
        for event in AuditEvent.objects.filter(action="area.grant_user").order_by("-id"):
            user_id = (event.data.get("user") or {}).get("id")
            if user_id is not None:
                self._changes.setdefault(int(user_id), []).append(event)
        self._areas = {}
        self._current: dict[int, set] = {}

    def _prefix(self, area_pk) -> str | None:
        if area_pk not in self._areas:
            area = AdminArea.objects.filter(pk=area_pk).values_list("code", "level").first()
            self._areas[area_pk] = area[0][: PREFIX_LENGTH[area[1]]] if area else None
        return self._areas[area_pk]

    def current(self, user) -> set[tuple[str, str]]:
        if user.pk not in self._current:
            fields = ("permission__codename", "content_object__code", "content_object__level")
            rows = list(AreaUserGrant.objects.filter(user=user).values_list(*fields))
            rows += AreaGroupGrant.objects.filter(group__user=user).values_list(*fields)
            self._current[user.pk] = {(role, code[: PREFIX_LENGTH[level]]) for role, code, level in rows
                                      if role in ROLES}
        return self._current[user.pk]

    def at(self, user, when) -> set[tuple[str, str]]:
        held = set(self.current(user))
        for event in self._changes.get(user.pk, []):  # newest first
            if event.occurred_at <= when:
                break
            prefix = self._prefix(int(event.target_id)) if event.target_id.isdigit() else None
            if prefix is None:
                continue
            for role in event.data.get("added", []):
                held.discard((role, prefix))
            for role in event.data.get("removed", []):
                held.add((role, prefix))
        return held


def check_access_log(area_code: str = "", counts: dict | None = None) -> list[Finding]:
    findings = []
    readers = roles_with(READ_PERM)
    history = _GrantHistory()
    users = {}
    events = AuditEvent.objects.filter(action__in=ACCESS_ACTIONS)
    if area_code:
        events = events.filter(area_code__startswith=area_code)
    checked = 0
    for event in events.order_by("id").iterator():
        checked += 1
        subject = f"审计事件 #{event.id}（{event.action}）"
        if event.actor_id is None:
            findings.append(Finding("安全性", subject, "档案访问没有记录操作人"))
            continue
        if event.actor_id not in users:
            users[event.actor_id] = get_user_model().objects.filter(pk=event.actor_id).first()
        user = users[event.actor_id]
        if user is not None and user.is_superuser:
            continue
        if not event.area_code:
            findings.append(Finding("安全性", subject, "档案访问没有记录区划代码"))
            continue
        held = history.at(user, event.occurred_at) if user is not None else set()
        if not any(role in readers and event.area_code.startswith(prefix) for role, prefix in held):
            when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
            findings.append(Finding("安全性", subject, f"{event.actor_username or event.actor_id} 于 {when} 访问区划 "
                                               f"{event.area_code} 的档案时没有覆盖该区划的岗位"))
    if counts is not None:
        counts["access_events"] = checked
    return findings


def run_checks(area_code: str = "", *, security: bool = True) -> Report:
    report = Report(area_code=area_code)
    report.findings += check_authenticity_and_usability(area_code, report.counts)
    report.findings += check_integrity(area_code, report.counts)
    if security:
        report.findings += check_storage_permissions()
        report.findings += check_access_log(area_code, report.counts)
    return report


def check_archive(area_code: str = "", *, security: bool = True) -> list[Finding]:
    return run_checks(area_code, security=security).findings
