"""One case's history: audit events about the case and the records hanging off it (members,
evidence, documents), joined with the opinions, in time order (issue 8, part 1).

The audit log stores targets as values (type, id); this module gathers the ids that belong to
the case and asks the log for all of them in one query.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from audit.models import AuditEvent

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
    "notice_batch": "other",
    "review_meeting": "other",
}

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
    "supervision.history_view": "审计查阅案件历史",
    "supervision.history_export": "审计导出案件历史",
}


_DECISION_LABELS = {"approve": "同意", "return": "退回", "request": "申请", "reject": "不同意"}


def label_of(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    parts = action.split(".")
    if parts[0] in ("household", "site") and parts[1:] == ["stage_change"]:
        return "阶段变更"
    if parts[0] in ("household", "site") and len(parts) == 3 and parts[2] in _DECISION_LABELS:
        return f"{_DECISION_LABELS[parts[2]]}（{parts[1]}）"
    return action


def kind_of(action: str) -> str:
    prefix = action.split(".", 1)[0]
    if prefix in _PREFIX_KINDS:
        return _PREFIX_KINDS[prefix]
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
    ip: str = ""
    detail: dict = field(default_factory=dict)
    order: int = 0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _detail_text(data: dict) -> dict:
    return {k: v for k, v in (data or {}).items() if v not in (None, "", [], {})}


def _labels_of(model) -> list[str]:
    """The model's label and its proxies' (workflows records transitions on a proxy of Household)."""
    return sorted(m._meta.label_lower for m in apps.get_models() if m._meta.concrete_model is model)


def _targets_of_household(household) -> Q:
    from documents.models import Document, Evidence

    q = Q(target_type__in=_labels_of(type(household)._meta.concrete_model), target_id=str(household.pk))
    member_ids = [str(pk) for pk in household.members.values_list("pk", flat=True)]
    evidence_ids = [str(pk) for pk in Evidence.objects.filter(household=household).values_list("pk", flat=True)]
    document_ids = {str(pk) for pk in Document.objects.filter(household=household).values_list("pk", flat=True)}
    document_ids |= {str(pk) for pk in Document.objects.filter(households=household).values_list("pk", flat=True)}
    if member_ids:
        q |= Q(target_type="registry.member", target_id__in=member_ids)
    if evidence_ids:
        q |= Q(target_type="documents.evidence", target_id__in=evidence_ids)
    if document_ids:
        q |= Q(target_type="documents.document", target_id__in=sorted(document_ids))
    return q


def _targets_of_site(site) -> Q:
    from documents.models import Document, Evidence

    q = Q(target_type__in=_labels_of(type(site)._meta.concrete_model), target_id=str(site.pk))
    evidence_ids = [str(pk) for pk in Evidence.objects.filter(site=site).values_list("pk", flat=True)]
    document_ids = [str(pk) for pk in Document.objects.filter(site=site).values_list("pk", flat=True)]
    if evidence_ids:
        q |= Q(target_type="documents.evidence", target_id__in=evidence_ids)
    if document_ids:
        q |= Q(target_type="documents.document", target_id__in=document_ids)
    return q


def _event_entries(q: Q) -> list[Entry]:
    return [
        Entry(at=e.occurred_at, kind=kind_of(e.action), action=e.action,
              label=label_of(e.action), actor=e.actor_username or "系统",
              role=(e.data or {}).get("role", ""), ip=e.ip_address or "", detail=_detail_text(e.data), order=e.id)
        for e in AuditEvent.objects.filter(q).order_by("occurred_at", "id")
    ]


def _opinion_entries(household) -> list[Entry]:
    from workflows.models import Opinion

    return [
        Entry(at=o.created_at, kind="opinion", action=f"opinion.{o.decision}",
              label=f"审批意见：{o.get_decision_display()}", actor=o.actor.get_username() if o.actor else "系统",
              role=o.role, detail=_detail_text({"stage": o.stage, "round": o.round, "step": o.step,
                                                "signature_level": o.signature_level, "text": o.text}),
              order=o.pk)
        for o in Opinion.objects.filter(household=household).select_related("actor")
    ]


def _filtered(entries: list[Entry], kinds, date_from, date_to) -> list[Entry]:
    from django.utils import timezone

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
    entries = _event_entries(_targets_of_household(household)) + _opinion_entries(household)
    return _filtered(entries, kinds, date_from, date_to)


def site_timeline(site, *, kinds=(), date_from=None, date_to=None) -> list[Entry]:
    return _filtered(_event_entries(_targets_of_site(site)), kinds, date_from, date_to)
