"""The findings ledger's services (督查问题台账): file → respond → send back → respond → close.

An auditor (audit.view_auditevent over the target's area) files a finding against a household, a
site or an area and names the responsible unit: a post over an area (责任单位). The officials who
hold that post over that area respond with a rectification (text and attachments); any auditor over
the finding's area (the filer or a colleague who took over) closes it (销号) or sends it back; the
filer stays recorded and the closer is recorded too. Each step is a FindingStep row and an audit event in
the same transaction; attachments are stored once with SHA-256 and SM3 (seed 002: 建立问题台账清单
… 逐一整改销号).

Who sees what goes through registry.scope (area_q, grants_of): auditors their area's findings,
officials the findings their posts answer for. `get_finding_for` is the chokepoint of the pages
(404 outside that).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from audit.log import record
from documents import storage
from documents.evidence.validation import check_client_name, inspect_upload
from documents.fixity import ALTERED, MISSING, UNEXPECTED, Problem, Report
from documents.hashing import digest_stream
from registry.models import PREFIX_LENGTH, AdminArea, AreaLevel, Household, ResettlementSite, level_of_code
from registry.roles import ROLES
from registry.scope import NOTHING, area_q, covers, grants_of, holds_post, post_q

from .models import Finding, FindingAttachment, FindingStep

AUDIT_PERM = "audit.view_auditevent"
STORAGE_PREFIX = "findings"
MAX_ATTACHMENTS = 10
# Posts that can answer for a finding: every post that works cases (not auditors or admins).
NOT_RESPONSIBLE = {"role_auditor", "role_system_admin"}
_LEVEL_RANK = {AreaLevel.PROVINCE: -2, AreaLevel.CITY: -1, AreaLevel.COUNTY: 0, AreaLevel.TOWNSHIP: 1,
               AreaLevel.VILLAGE: 2}
_LEVEL_WORD = {AreaLevel.PROVINCE: "省", AreaLevel.CITY: "市", AreaLevel.COUNTY: "县", AreaLevel.TOWNSHIP: "乡镇",
               AreaLevel.VILLAGE: "村"}


def responsible_roles() -> list[tuple[str, str]]:
    return [(code, role.label) for code, role in ROLES.items() if code not in NOT_RESPONSIBLE]


def prefix_of(code: str) -> str:
    return code[: PREFIX_LENGTH[level_of_code(code)]]


# ---------------------------------------------------------------- who sees what


def responsible_q(user) -> Q:
    """Findings whose responsible post the user holds over an area covering the responsible area."""
    q = NOTHING
    if not (user.is_authenticated and user.is_active):
        return q
    for role in grants_of(user):
        if role in NOT_RESPONSIBLE:  # no finding names these posts
            continue
        q |= Q(responsible_role=role) & post_q(user, role, "responsible_area_code")
    return q


def visible_findings(user):
    """Findings an auditor supervises or a responsible official must answer."""
    return Finding.objects.filter(area_q(user, AUDIT_PERM) | responsible_q(user))


def overdue_q() -> Q:
    """The SQL twin of Finding.overdue: awaiting rectification and past the deadline."""
    return Q(status__in=Finding.AWAITING_RESPONSE, deadline__lt=timezone.localdate())


def awaiting_response(user):
    """The open findings the user's posts must answer (the inbox's 督查问题 section)."""
    return (Finding.objects.filter(responsible_q(user), status__in=Finding.AWAITING_RESPONSE)
            .select_related("household", "site"))


def awaiting_response_count(user, cap: int) -> int | None:
    """How many findings the user's posts must answer, counted over at most cap+1 rows (the
    navigation badge): None, without a query, when the user holds no post a finding can name."""
    q = responsible_q(user)
    if q == NOTHING:
        return None
    return Finding.objects.filter(q, status__in=Finding.AWAITING_RESPONSE).order_by()[: cap + 1].count()


def get_finding_for(user, pk) -> Finding:
    try:
        return visible_findings(user).select_related("filed_by", "closed_by", "household", "site").get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该督查问题，或不在您的管辖范围内。")


def for_case(user, *, household=None, site=None) -> list[Finding]:
    """The findings of one household or site the user may see (for the case pages)."""
    qs = visible_findings(user).select_related("household", "site")
    qs = qs.filter(household=household) if household is not None else qs.filter(site=site)
    found = list(qs.order_by("-filed_at", "-id")[:50])
    describe_targets(found)
    return found


def describe_targets(findings_list) -> dict:
    """{finding id: label of its target} for a page of findings: one query for the area names, and
    one each for households and sites only when the list was not fetched with select_related."""
    households = {f.household_id: f.household.number for f in findings_list
                  if f.household_id and Finding.household.is_cached(f)}
    sites = {f.site_id: f.site.name for f in findings_list if f.site_id and Finding.site.is_cached(f)}
    household_ids = {f.household_id for f in findings_list if f.household_id} - set(households)
    site_ids = {f.site_id for f in findings_list if f.site_id} - set(sites)
    if household_ids:
        households.update(Household.objects.filter(pk__in=household_ids).values_list("pk", "number"))
    if site_ids:
        sites.update(ResettlementSite.objects.filter(pk__in=site_ids).values_list("pk", "name"))
    codes = {f.area_code for f in findings_list} | {f.responsible_area_code for f in findings_list}
    areas = dict(AdminArea.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    labels = {}
    for f in findings_list:
        if f.household_id:
            labels[f.pk] = f"搬迁户 {households.get(f.household_id, f.household_id)}"
        elif f.site_id:
            labels[f.pk] = f"安置点 {sites.get(f.site_id, f.site_id)}"
        else:
            labels[f.pk] = f"区域 {areas.get(f.area_code, f.area_code)}"
        f.target_label = labels[f.pk]
        f.responsible_label = (f"{areas.get(f.responsible_area_code, f.responsible_area_code)} "
                               f"{ROLES[f.responsible_role].label if f.responsible_role in ROLES else f.responsible_role}")
    return labels


def is_auditor_of(user, finding) -> bool:
    return covers(user, AUDIT_PERM, finding.area_code)


def may_respond(user, finding) -> bool:
    return (finding.status in Finding.AWAITING_RESPONSE
            and holds_post(user, finding.responsible_role, finding.responsible_area_code))


def may_review(user, finding) -> bool:
    """Any auditor over the finding's area closes it or sends it back (the filer may have left:
    the same permission that files a finding reviews it)."""
    return finding.status == Finding.Status.RESPONDED and is_auditor_of(user, finding)


# ---------------------------------------------------------------- checks of what is filed


def check_responsible_unit(*, target_code: str, responsible_area_code: str, responsible_role: str) -> None:
    """The unit must be a working post at or above the responsible area's level, and the area must
    contain the target or lie inside it (a county finding may name a township; a household's, its
    village, township or county)."""
    if responsible_role not in dict(responsible_roles()):
        raise ValidationError("请选择正确的责任岗位。", code="role")
    role_level = ROLES[responsible_role].level
    area_level = level_of_code(responsible_area_code)
    if _LEVEL_RANK[role_level] > _LEVEL_RANK[area_level]:
        raise ValidationError("责任岗位“%(role)s”设在%(role_level)s级，不能对%(area_level)s级区域负责，"
                              "请选择相应层级的岗位或区域。", code="role_level",
                              params={"role": ROLES[responsible_role].label,
                                      "role_level": _LEVEL_WORD[role_level], "area_level": _LEVEL_WORD[area_level]})
    if not (target_code.startswith(prefix_of(responsible_area_code))
            or responsible_area_code.startswith(prefix_of(target_code))):
        raise ValidationError("责任区域须包含问题对象所在区域，或位于问题所涉区域之内。", code="area_unrelated")


def _inspect(uploads) -> list:
    """Validate every file before anything is written (a bad file stores nothing)."""
    uploads = [u for u in uploads or () if u]
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError("附件最多 %(n)s 个。", code="too_many", params={"n": MAX_ATTACHMENTS})
    inspected = []
    for upload in uploads:
        name = check_client_name(upload.name)
        try:
            result = inspect_upload(upload, name)
        except ValidationError as exc:
            raise ValidationError(f"附件“{name}”：{'；'.join(exc.messages)}", code="attachment") from exc
        inspected.append((upload, name, result))
    return inspected


def _store(finding, step, inspected, actor, written: list) -> list[FindingAttachment]:
    stored = []
    for upload, name, result in inspected:
        upload.seek(0)
        digests = digest_stream(upload)
        if digests.size != upload.size:
            raise ValidationError("文件读取不完整，请重新上传。", code="short_read")
        storage_name = storage.new_name(STORAGE_PREFIX, finding.area_code, result.extension)
        storage.write_once(storage_name, upload)
        written.append(storage_name)
        stored.append(FindingAttachment.objects.create(
            finding=finding, step=step, area_code=finding.area_code, storage_name=storage_name,
            original_name=name, content_type=result.content_type, size=digests.size,
            sha256=digests.sha256, sm3=digests.sm3, uploaded_by=actor))
    return stored


def _described(attachments) -> list[dict]:
    return [{"name": a.original_name, "sha256": a.sha256, "size": a.size} for a in attachments]


def _step(finding, action, actor, text, inspected, written, request, event, data, at=None):
    step = FindingStep.objects.create(finding=finding, action=action, actor=actor, text=text,
                                      at=at or timezone.now())
    attachments = _store(finding, step, inspected, actor, written)
    record(actor, event, finding, {**data, "attachments": _described(attachments)}, request=request)
    return step


def _discarding(written: list):
    """Remove files written by a step whose transaction did not commit."""
    for name in written:
        storage.discard(name)


# ---------------------------------------------------------------- the cycle


def file_finding(*, actor, area_code: str, category: str, description: str, responsible_role: str, deadline,
                 responsible_area_code: str | None = None, household=None, site=None, attachments=(),
                 request=None) -> Finding:
    if not covers(actor, AUDIT_PERM, area_code):
        raise PermissionDenied("只有本辖区的督查人员可以登记问题。")
    responsible_area_code = responsible_area_code or area_code
    if not covers(actor, AUDIT_PERM, responsible_area_code):
        raise PermissionDenied("责任区域不在您的督查范围内。")
    if category not in Finding.Category.values:
        raise ValidationError("请选择问题类别。", code="category")
    description = (description or "").strip()
    if not description:
        raise ValidationError("请填写问题描述。", code="description")
    check_responsible_unit(target_code=area_code, responsible_area_code=responsible_area_code,
                           responsible_role=responsible_role)
    inspected = _inspect(attachments)
    written: list[str] = []
    try:
        with transaction.atomic():
            finding = Finding.objects.create(
                area_code=area_code, category=category, description=description,
                responsible_role=responsible_role, responsible_area_code=responsible_area_code,
                deadline=deadline, filed_by=actor, household=household, site=site)
            _step(finding, FindingStep.Action.FILE, actor, description, inspected, written, request, "finding.file",
                  {"category": category, "responsible_role": responsible_role,
                   "responsible_area": responsible_area_code, "deadline": deadline, "description": description,
                   "household": finding.household_id, "site": finding.site_id})
    except BaseException:
        _discarding(written)
        raise
    return finding


def respond(finding_id, *, actor, text: str, attachments=(), request=None) -> Finding:
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写整改情况。", code="text")
    inspected = _inspect(attachments)
    written: list[str] = []
    try:
        with transaction.atomic():
            finding = Finding.objects.select_for_update().get(pk=finding_id)
            if not holds_post(actor, finding.responsible_role, finding.responsible_area_code):
                raise PermissionDenied("只有责任单位的人员可以反馈整改情况。")
            if finding.status == Finding.Status.CLOSED:
                raise PermissionDenied("该问题已销号。")
            if finding.status == Finding.Status.RESPONDED:
                raise ValidationError("已反馈整改情况，正等待督查人员核查。", code="already_responded")
            finding.response = text
            finding.status = Finding.Status.RESPONDED
            finding.responded_at = timezone.now()
            # 逾期整改: answered after the deadline (the step's time, in local days).
            finding.responded_late = timezone.localdate(finding.responded_at) > finding.deadline
            finding.save(update_fields=["response", "status", "responded_at", "responded_late"])
            _step(finding, FindingStep.Action.RESPOND, actor, text, inspected, written, request, "finding.respond",
                  {"response": text}, at=finding.responded_at)
    except BaseException:
        _discarding(written)
        raise
    return finding


def review(finding_id, *, actor, accept: bool, reason: str = "", request=None) -> Finding:
    """销号 (accept) or send back (退回重新整改, a reason required), by an auditor over the finding's area."""
    reason = (reason or "").strip()
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding_id)
        if not is_auditor_of(actor, finding):
            raise PermissionDenied("只有本辖区的督查人员可以销号或退回。")
        if finding.status != Finding.Status.RESPONDED:
            raise ValidationError("责任单位尚未反馈整改情况，不能销号或退回。", code="not_responded")
        if not accept and not reason:
            raise ValidationError("退回须填写原因。", code="reason")
        finding.status = Finding.Status.CLOSED if accept else Finding.Status.SENT_BACK
        finding.closed_at = timezone.now() if accept else None
        finding.closed_by = actor if accept else None
        finding.save(update_fields=["status", "closed_at", "closed_by"])
        action = FindingStep.Action.CLOSE if accept else FindingStep.Action.SEND_BACK
        _step(finding, action, actor, reason, [], [], request,
              "finding.close" if accept else "finding.send_back", {"reason": reason})
    return finding


def record_attachment_download(attachment, *, actor, request=None) -> None:
    record(actor, "finding.attachment_download", attachment.finding,
           {"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256},
           request=request)


def check_attachments():
    """Fixity of the findings' attachments, in the documents' report form (altered, missing,
    unexpected files under findings/): the integrity check runs it with check_storage."""
    report = Report()
    known = set()
    rows = FindingAttachment.objects.values_list("storage_name", "size", "sha256", "sm3").order_by("pk")
    for name, size, sha256, sm3 in rows.iterator(chunk_size=2000):
        known.add(name)
        report.checked += 1
        try:
            with storage.open_stored(name) as f:
                actual = digest_stream(f)
        except (FileNotFoundError, OSError):
            report.problems.append(Problem(MISSING, name, "督查问题附件记录存在，但存储中找不到文件"))
            continue
        if (actual.size, actual.sha256, actual.sm3) != (size, sha256, sm3):
            report.problems.append(Problem(ALTERED, name, f"督查问题附件：SHA-256 {sha256[:12]}… → {actual.sha256[:12]}…"))
    for name in storage.walk(STORAGE_PREFIX):
        if name not in known:
            report.problems.append(Problem(UNEXPECTED, name, "存储中有此文件，但没有任何记录"))
    return report
