"""One case's history: audit events about the case and the records hanging off it (members,
evidence, documents), joined with the opinions, in time order (issue 8, part 1).

The audit log stores targets as values (type, id); this module gathers the ids that belong to
the case and asks the log for all of them in one query.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from documents.models import Document, Evidence
from registry.people import display_name
from registry.roles import ROLES
from registry.scope import posts_over
from workflows.models import Opinion

from .detail_labels import DECISION_LABELS as _DECISION_LABELS
from .detail_labels import detail_items, field_label, scope_of, step_label, value_text
from .models import Finding

# Kinds an auditor filters by: (code, label). An event's kind comes from its action's prefix.
KINDS = [
    ("stage", "阶段流转"),
    ("opinion", "审批意见"),
    ("task", "任务分派"),
    ("document", "文书"),
    ("evidence", "证明材料"),
    ("objection", "异议"),
    ("view", "查阅与导出"),
    ("edit", "信息变更"),
    ("meeting", "评议与公示"),
    ("finding", "督查问题"),
    ("other", "其他"),
]
KIND_LABELS = dict(KINDS)

_PREFIX_KINDS = {
    "task": "task",
    "document": "document",
    "evidence": "evidence",
    "objection": "objection",
    "member": "view",
    "supervision": "view",
    "notice_batch": "meeting",
    "review_meeting": "meeting",
    "finding": "finding",
    "archive": "view",
}
# Registry records written through the admin or the API: their events carry before/after values.
_EDIT_PREFIXES = ("household", "member", "site")
_EDIT_SUFFIXES = ("create", "change", "delete")

ACTION_LABELS = {
    "task.claim": "认领任务",
    "task.release": "释放任务",
    "task.reassign": "改派任务",
    "document.generate": "生成文书",
    "document.regenerate": "重新生成文书",
    "document.download": "下载文书",
    "document.render_failed": "文书生成失败",
    "evidence.upload": "上传证明材料",
    "evidence.withdraw": "撤回证明材料",
    "evidence.download": "下载证明材料",
    "member.reveal_id": "查看完整身份证号",
    "objection.record": "登记异议",
    "objection.resolve": "处理异议",
    "household.site_assignment": "分配安置点",
    "household.unit_allocation": "分配安置房",
    "household.cross_county_request": "申请跨县安置",
    "household.cross_county_home_approve": "迁出县同意跨县安置",
    "household.cross_county_home_refuse": "迁出县不同意跨县安置",
    "household.cross_county_host_approve": "迁入县同意跨县安置",
    "household.cross_county_host_refuse": "迁入县不同意跨县安置",
    "supervision.history_view": "审计查阅案件历史",
    "supervision.history_export": "审计导出案件历史",
    "supervision.history_pdf": "审计导出案件历史（PDF）",
    "supervision.integrity_run": "立即运行完整性检查",
    "supervision.integrity_check": "完整性检查结果",
    "household.create": "登记搬迁户",
    "household.change": "修改搬迁户信息",
    "household.delete": "删除搬迁户",
    "member.create": "增加家庭成员",
    "member.change": "修改家庭成员信息",
    "member.delete": "删除家庭成员",
    "site.create": "登记安置点",
    "site.change": "修改安置点信息",
    "review_meeting.record": "登记民主评议会议",
    "notice_batch.create": "张贴公示",
    "notice_batch.photo": "上传公示张贴照片",
    "finding.file": "登记督查问题",
    "finding.respond": "反馈整改情况",
    "finding.send_back": "退回重新整改",
    "finding.close": "督查问题销号",
    "finding.view": "查阅督查问题",
    "finding.attachment_download": "下载督查问题附件",
    "archive.open": "查阅档案",
    "household.view": "查阅搬迁户信息",
    "document.view": "查阅文书信息",
    "evidence.view": "查看证明材料",
    "archive.export": "导出档案",
    "archive.export_request": "申请导出档案",
    "archive.export_purge": "删除过期导出包",
    "archive.catalogue": "打印案卷封面或卷内目录",
    "archive.four_properties": "档案四性检测",
    "archive.four_properties_check": "档案四性定时检测",
    "archive.completeness_export": "导出档案完整性报告",
    "finding.export": "导出督查问题台账",
    "monitoring.export": "导出监测日报或台账",
    "site.view": "查阅安置点信息",
    "site.note": "安置点备注",
    "household.note": "搬迁户备注",
    "site.funds_arrival": "登记资金到位",
    "site.funds_disbursement": "登记资金拨付",
    "site.progress_report": "填报施工进度",
    "household.removal_request": "申请清退",
    "household.removal_approve": "批准清退",
    "household.self_funds_received": "登记自筹资金到位",
    "household.self_funds_used": "登记自筹资金使用",
    "household.demolition_exemption": "保留旧房（免拆）",
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.password_change": "修改密码",
    "auth.second_factor_failed": "动态验证码错误",
    "auth.second_factor_locked": "动态验证码锁定",
    "auth.backup_code_used": "使用备用验证码",
    "auth.idle_timeout": "超时自动退出",
    "auth.unverified_session": "拒绝未经第二因子验证的会话",
    "auth.spraying_blocked": "拒绝可疑地址登录（撞库防护）",
    "accounts.second_factor_enrolled": "绑定身份验证器",
    "accounts.second_factor_reset": "重置第二因子",
    "accounts.backup_codes_renewed": "重新生成备用验证码",
    "accounts.unlocked": "解除登录锁定",
    "accounts.duty_appointed": "任命三员",
    "accounts.duty_removed": "免除三员职责",
    "task.escalate": "逾期升级督办",
    "delegation.act": "代理办理",
    "delegation.create": "设置代理",
    "delegation.revoke": "撤销代理",
    "public.lookup": "群众查询办理进度",
    "demo.seed": "生成演示数据",
    "demo.lifecycle_seed": "生成演示流程数据",
    "aftercare.employment": "更新就业台账",
    "aftercare.training": "登记培训",
    "aftercare.income": "填报季度收入",
    "aftercare.support_plan": "制定帮扶计划",
    "aftercare.continuity": "确认接续事项",
    "aftercare.risk_raise": "识别防返贫风险",
    "aftercare.risk_measure": "落实防返贫帮扶措施",
    "aftercare.risk_request_close": "申请风险消除",
    "aftercare.risk_close": "批准风险消除",
    "aftercare.risk_send_back": "退回风险消除申请",
    "aftercare.hazard_file": "登记安置点隐患",
    "aftercare.hazard_plan": "制定隐患整改方案",
    "aftercare.hazard_close": "隐患整改销号",
    "aftercare.hazard_photo_download": "下载隐患照片",
}


def label_of(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    parts = action.split(".")
    if parts[0] in ("household", "site") and parts[1:] == ["stage_change"]:
        return "阶段变更"
    if parts[0] in ("household", "site") and len(parts) == 3 and parts[2] in _DECISION_LABELS:
        return f"{_DECISION_LABELS[parts[2]]}（{step_label(parts[1], parts[0]) or parts[1]}）"
    return action


def kind_of(action: str) -> str:
    prefix, _, rest = action.partition(".")
    if prefix in _EDIT_PREFIXES and rest in _EDIT_SUFFIXES:
        return "edit"
    if rest in ("view", "download", "export", "reveal_id", "attachment_download"):
        return "view"
    if prefix in _PREFIX_KINDS:
        return _PREFIX_KINDS[prefix]
    if rest == "stage_change":
        return "stage"
    if action.endswith(("update", "edit", "change")):
        return "edit"
    if prefix in ("household", "site"):
        return "stage"
    return "other"


@dataclass
class Entry:
    at: datetime.datetime
    kind: str
    action: str
    label: str
    actor: str
    role: str = ""
    role_current: bool = False  # the actor's post now (an old event stored none), not at the time
    ip: str = ""
    detail: dict = field(default_factory=dict)
    order: int = 0
    scope: str = ""  # household or site: which stage table the detail's codes belong to
    username: str = ""  # the actor's account (the API's `actor`); `actor` is the name people read

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) of a registry edit (ID numbers arrive masked)."""
        found = self.detail.get("changes")
        if not isinstance(found, dict):
            return []
        return [(_field_label(self.action, name), _plain(v.get("before")), _plain(v.get("after")))
                for name, v in found.items() if isinstance(v, dict)]

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        """(label, value) of the detail in Chinese, the registry edit's changes left to `changes`."""
        shown = {k: v for k, v in self.detail.items() if k != "changes" or not self.changes}
        return detail_items(shown, self.action, self.scope or scope_of(self.action))

    @property
    def text(self) -> str:
        """The entry's content as one line (Excel, PDF)."""
        parts = [f"{label}：{before} → {after}" for label, before, after in self.changes]
        parts += [f"{label}：{value}" for label, value in self.detail_items]
        return "；".join(parts)


def _plain(value) -> str:
    return value_text("", value)


_field_label = field_label


def _role_text(role) -> str:
    """A stored post: a role code reads as its Chinese name, a label stays as stored."""
    return ROLES[role].label if isinstance(role, str) and role in ROLES else (role or "")


def _detail_text(data: dict) -> dict:
    return {k: v for k, v in (data or {}).items() if v not in (None, "", [], {})}


def _labels_of(model) -> list[str]:
    """The model's label and its proxies' (workflows records transitions on a proxy of Household)."""
    return sorted(m._meta.label_lower for m in apps.get_models() if m._meta.concrete_model is model)


def _deleted_member_ids(household) -> list[str]:
    """Members removed from the household keep their events (member.delete names the household)."""
    found = []
    for target_id, data in AuditEvent.objects.filter(target_type="registry.member", action="member.delete",
                                                     area_code=household.area_code).values_list("target_id", "data"):
        owner = ((data or {}).get("values") or {}).get("household")
        if isinstance(owner, dict) and owner.get("id") == household.pk:
            found.append(target_id)
    return found


def _findings_q(**target) -> Q:
    ids = [str(pk) for pk in Finding.objects.filter(**target).values_list("pk", flat=True)]
    return Q(target_type="supervision.finding", target_id__in=ids) if ids else Q(pk__in=[])


def _targets_of_household(household) -> Q:
    q = Q(target_type__in=_labels_of(type(household)._meta.concrete_model), target_id=str(household.pk))
    member_ids = [str(pk) for pk in household.members.values_list("pk", flat=True)]
    evidence_ids = [str(pk) for pk in Evidence.objects.filter(household=household).values_list("pk", flat=True)]
    document_ids = {str(pk) for pk in Document.objects.filter(household=household).values_list("pk", flat=True)}
    document_ids |= {str(pk) for pk in Document.objects.filter(households=household).values_list("pk", flat=True)}
    member_ids += _deleted_member_ids(household)
    if member_ids:
        q |= Q(target_type="registry.member", target_id__in=member_ids)
    # 评议 and 公示 are recorded once per meeting or batch: each household in it sees them.
    meeting_ids = [str(pk) for pk in apps.get_model("workflows", "ReviewVote").objects
                   .filter(household=household).values_list("meeting_id", flat=True)]
    batch_ids = [str(pk) for pk in apps.get_model("workflows", "NoticeBatch").objects
                 .filter(households=household).values_list("pk", flat=True)]
    if meeting_ids:
        q |= Q(target_type="workflows.reviewmeeting", target_id__in=meeting_ids)
    if batch_ids:
        q |= Q(target_type="workflows.noticebatch", target_id__in=batch_ids)
    q |= _findings_q(household_id=household.pk)
    if evidence_ids:
        q |= Q(target_type="documents.evidence", target_id__in=evidence_ids)
    if document_ids:
        q |= Q(target_type="documents.document", target_id__in=sorted(document_ids))
    return q


def _targets_of_site(site) -> Q:
    q = Q(target_type__in=_labels_of(type(site)._meta.concrete_model), target_id=str(site.pk))
    evidence_ids = [str(pk) for pk in Evidence.objects.filter(site=site).values_list("pk", flat=True)]
    document_ids = [str(pk) for pk in Document.objects.filter(site=site).values_list("pk", flat=True)]
    q |= _findings_q(site_id=site.pk)
    if evidence_ids:
        q |= Q(target_type="documents.evidence", target_id__in=evidence_ids)
    if document_ids:
        q |= Q(target_type="documents.document", target_id__in=document_ids)
    return q


CURRENT_MARK = "（现任）"


def stored_posts_label(posts) -> str:
    """The posts an event stored at the time (audit.record), as officials read them."""
    labels = []
    for post in posts or []:
        if isinstance(post, dict):
            role = ROLES.get(post.get("role"))
            labels.append(post.get("label") or (role.label if role else str(post.get("role", ""))))
    return "、".join(label for label in labels if label)


def _posts_of(actor_ids, area_code: str) -> dict:
    """{user id: the labels of the posts the user holds over the area NOW}: only for events recorded
    before events stored their actor's posts; the page marks these 现任 (an opinion stores its own)."""
    return {user.pk: "、".join(post["label"] for post in posts_over(user, area_code))
            for user in get_user_model().objects.filter(pk__in=[pk for pk in actor_ids if pk])}


def _role_of(event, current: dict) -> tuple[str, bool]:
    """(post text, whether it is the actor's current post rather than the one held at the time)."""
    if (event.data or {}).get("role"):
        return _role_text(event.data["role"]), False
    if event.actor_posts is not None:
        return stored_posts_label(event.actor_posts), False
    now = current.get(event.actor_id, "")
    return (f"{now}{CURRENT_MARK}", True) if now else ("", False)


def _event_entries(q: Q, area_code: str, scope: str) -> list[Entry]:
    events = list(AuditEvent.objects.filter(q).order_by("occurred_at", "id"))
    # Events recorded before posts were stored fall back to the actor's posts now (marked 现任).
    current = _posts_of({e.actor_id for e in events
                         if e.actor_posts is None and not (e.data or {}).get("role")}, area_code)
    # People by name (family name first), not by username; an account since deleted keeps its username.
    names = {u.pk: display_name(u) for u in get_user_model().objects.filter(pk__in={e.actor_id for e in events
                                                                                    if e.actor_id})}
    entries = []
    for e in events:
        role, role_current = _role_of(e, current)
        actor = names.get(e.actor_id) or e.actor_username or "系统"
        entries.append(Entry(at=e.occurred_at, kind=kind_of(e.action), action=e.action,
                             label=label_of(e.action), actor=actor, username=e.actor_username, role=role,
                             role_current=role_current, ip=e.ip_address or "", detail=_detail_text(e.data),
                             order=e.id, scope=scope))
    return entries


def _site_opinion_entries(site) -> list[Entry]:
    SiteOpinion = apps.get_model("workflows", "SiteOpinion")
    return [
        Entry(at=o.created_at, kind="opinion", action=f"opinion.{o.decision}",
              label=f"审批意见：{o.get_decision_display()}", actor=display_name(o.actor) if o.actor else "系统",
              username=o.actor.get_username() if o.actor else "",
              role=_role_text(o.role), detail=_detail_text({"stage": o.stage, "round": o.round, "step": o.step,
                                                            "signature_level": o.signature_level, "text": o.text}),
              order=o.pk, scope="site")
        for o in SiteOpinion.objects.filter(site=site).select_related("actor")
    ]


def _opinion_entries(household) -> list[Entry]:
    return [
        Entry(at=o.created_at, kind="opinion", action=f"opinion.{o.decision}",
              label=f"审批意见：{o.get_decision_display()}", actor=display_name(o.actor) if o.actor else "系统",
              username=o.actor.get_username() if o.actor else "",
              role=_role_text(o.role), detail=_detail_text({"stage": o.stage, "round": o.round, "step": o.step,
                                                            "signature_level": o.signature_level, "text": o.text}),
              order=o.pk, scope="household")
        for o in Opinion.objects.filter(household=household).select_related("actor")
    ]


def _filtered(entries: list[Entry], kinds, date_from, date_to) -> list[Entry]:
    out = []
    for entry in entries:
        day = timezone.localtime(entry.at).date()
        if kinds and entry.kind not in kinds:
            continue
        if date_from and day < date_from:
            continue
        if date_to and day > date_to:
            continue
        out.append(entry)
    # Opinions and events written in one transaction share a moment: events first, stable.
    return sorted(out, key=lambda e: (e.at, e.kind == "opinion", e.order))


def household_timeline(household, *, kinds=(), date_from=None, date_to=None) -> list[Entry]:
    entries = _event_entries(_targets_of_household(household), household.area_code, "household") + _opinion_entries(household)
    return _filtered(entries, kinds, date_from, date_to)


def site_timeline(site, *, kinds=(), date_from=None, date_to=None) -> list[Entry]:
    entries = _event_entries(_targets_of_site(site), site.area_code, "site") + _site_opinion_entries(site)
    return _filtered(entries, kinds, date_from, date_to)
