"""How a history entry's stored detail reads to an official: Chinese labels for the keys the apps
record (audit.record payloads, opinions) and Chinese values where the value is a code (stage, step,
channel, post, evidence kind, document type). Presentation only: the stored events stay as recorded
(they are hash-chained), and the API's `detail` stays machine data."""

from django.apps import apps

from documents.evidence.validation import TYPE_LABELS
from documents.models import kind_label
from documents.types import label_of
from registry.roles import ROLES
from workflows import labels
from workflows.steps import SIGNATURE_LEVELS

from .models import Finding

DETAIL_LABELS = {
    # 督查问题 (supervision.findings): filed, answered, sent back, closed
    "category": "类别", "description": "问题描述", "responsible_role": "责任岗位", "responsible_area": "责任区划",
    "requested_by": "发起人",  # 立即运行 of the integrity checks
    # stage work (workflows.households.service / site_services, opinions, tasks)
    "stage": "阶段", "round": "轮次", "step": "环节", "from": "原阶段", "to": "新阶段", "transition": "流转",
    "opinion": "意见", "opinion_id": "意见编号", "text": "意见内容", "decision": "决定", "role": "岗位",
    "signature_level": "签署层级", "send_back": "退回", "remove": "清退", "reason": "理由",
    "task": "任务编号", "previous_owner": "原办理人", "new_owner": "新办理人",
    # reads and exports
    "path": "访问路径", "via": "渠道", "method": "请求方式", "subject": "对象", "entries": "条数",
    "filters": "筛选条件", "purpose": "用途", "rows": "行数", "pages": "页数", "part": "部分",
    "unmasked_id_numbers": "显示完整身份证号", "expires_at": "过期时间", "job": "任务", "run": "批次",
    "pdf_sha256": "PDF 哈希", "entries_sha256": "条目哈希", "chain_event": "链上事件", "chain_hash": "链哈希",
    # documents and evidence
    "number": "文号", "document_number": "文号", "doc_type": "文书类型", "version": "版本",
    "template_version": "模板版本", "sha256": "SHA-256", "sm3": "SM3", "size": "大小（字节）",
    "bytes": "大小（字节）", "kind": "材料类型", "evidence": "证明材料", "attachment": "附件",
    "attachments": "附件", "photos": "照片", "original_name": "文件名", "name": "名称",
    "content_type": "文件类型", "error": "错误", "corrects": "更正",
    # registry
    "changes": "变更", "values": "登记内容", "before": "变更前", "after": "变更后", "added": "新增",
    "removed": "移除", "id": "编号", "id_number": "身份证号", "member": "家庭成员", "members": "家庭成员",
    "household": "搬迁户", "households": "搬迁户", "site": "安置点", "sites": "安置点", "site_code": "安置点编号",
    "placement": "跨县安置申请", "host_county": "迁入县", "mode": "安置方式",
    "handover_site": "交付安置点", "unit": "安置房", "allocated_on": "分配日期", "persons": "人数",
    "area": "面积", "village": "村", "code": "编码", "user": "用户", "username": "用户名",
    # meetings, notices, objections
    "batch": "公示批次", "posted_on": "张贴日期", "ends_on": "截止日期", "objection": "异议",
    "objector": "异议人", "content": "内容", "upheld": "异议成立", "resolution": "处理结果",
    "expected": "应到人数", "present": "实到人数", "date": "日期", "days": "天数",
    # funds, progress, removals
    "amount": "金额", "payee": "收款方", "voucher": "凭证", "source": "资金来源", "arrived_total": "到位累计",
    "disbursed_total": "拨付累计", "received_total": "到账累计", "used_total": "使用累计", "limit": "限额",
    "progress": "进度", "percent": "百分比", "milestone": "节点", "reported_on": "填报日期",
    "report_id": "填报编号", "entry_id": "记录编号",
    # archive, findings, integrity, demo
    "archival_code": "档号", "file_code": "案卷号", "volume": "卷", "prefix": "前缀", "result": "结果",
    "passed": "通过", "ok": "正常", "checked": "检查数", "counts": "数量", "summary": "摘要",
    "findings": "督查问题", "cohorts": "批次", "seed": "种子", "areas_created": "新建区划",
    "users_created": "新建用户",
    # sign-in and the three administrators (accounts/)
    "failures": "连续失败次数", "locked_until": "锁定至", "remaining": "剩余备用验证码", "count": "数量",
    "idle_seconds": "未操作时长（秒）", "duty": "职责", "device": "验证器", "password_attempts": "清除的密码失败记录",
    # notifications/ (issue 22): escalation (task.escalate), 代理 (delegation.*), the public window
    "level": "督办层级", "due": "应办结时间", "days_late": "逾期天数", "on_behalf_of": "被代理人账号",
    "on_behalf_of_name": "被代理人", "stand_in": "办理方式", "delegate": "代理人", "starts_on": "开始日期",
    "household_number": "户编号", "id_masked": "身份证号（脱敏）", "found": "查到",
    # the documents outbox (workflows/outbox.py)
    "order": "待生成文书编号", "attempts": "已尝试次数",
    # 后扶 (aftercare/): the employment ledger, training, the quarterly income table
    "month": "月份", "job_status": "就业状态", "job_place": "就业地域", "employer": "就业单位",
    "job_post": "就业岗位", "monthly_income": "月收入（元）", "job_channel": "就业渠道", "employment": "就业状况",
    "project": "培训项目", "start_date": "开始日期", "end_date": "结束日期", "certificate": "证书",
    "year": "年度", "quarter": "季度", "entered_as": "录入方式", "wage": "工资性收入",
    "public_post": "其中公益岗位收入", "business_gross": "经营性毛收入", "business_cost": "生产经营费用",
    "property_income": "财产性收入", "transfer": "转移性收入", "head_signed_on": "户主签字日期",
    "net": "本季度纯收入", "ytd_net": "累计纯收入", "per_capita": "人均纯收入", "below_line": "低于监测线",
    "income_channels": "稳定增收渠道", "measures": "帮扶措施", "measure_note": "帮扶措施说明",
    "land_uses": "迁出地土地盘活", "item": "接续事项", "confirmed_by": "确认人", "note": "备注",
    "risk": "风险编号", "risk_rule": "识别方式", "risk_type": "风险类型",
    "hazard": "隐患编号", "hazard_kind": "隐患类别", "deadline": "整改期限",
}

VIA_LABELS = {"api": "接口", "web": "网页", "manage.py": "管理命令", "admin": "管理后台", "system": "系统"}
TRANSITION_LABELS = {"advance": "进入下一阶段", "send_back": "退回上一阶段", "remove": "清退"}
DECISION_LABELS = {"approve": "同意", "return": "退回", "request": "申请", "reject": "不同意"}


def scope_of(action: str, default: str = "household") -> str:
    return "site" if action.split(".", 1)[0] == "site" else default


def stage_label(code, scope: str = "household") -> str:
    return labels.stage_label(code, scope)


def step_label(code, scope: str = "household") -> str | None:
    """The step's Chinese name from the stage tables (the case's own table first), or None."""
    return labels.step_label(code, scope)


def _model_name(target_type: str) -> str:
    """The record's Chinese name (a lifecycle's proxy reads as its registry model: 搬迁户, 安置点)."""
    try:
        return str(apps.get_model(target_type)._meta.concrete_model._meta.verbose_name)
    except (LookupError, ValueError):
        return "对象"


# What names a record better than its id: a household its number, a site its name, a document
# version its 文号 (the lifecycles' proxy models count as their registry model).
_TARGET_NAMES = {"registry.household": "number", "registry.resettlementsite": "name",
                 "documents.documentversion": "document__number"}


def _named_by(target_type: str):
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return None, None
    concrete = model._meta.concrete_model
    return concrete, _TARGET_NAMES.get(concrete._meta.label_lower)


def target_labels(events) -> None:
    """Set `target_label` on each audit event as an official reads it — the kind of record by its
    Chinese name, then a household's number, a site's name, a document's 文号, or else its number
    (one query per kind of record on the page)."""
    ids: dict[str, set] = {}
    for e in events:
        if e.target_type and str(e.target_id).isdigit():
            ids.setdefault(e.target_type, set()).add(str(e.target_id))
    names = {}
    for target_type, wanted in ids.items():
        model, field = _named_by(target_type)
        if field:
            names[target_type] = {str(pk): value for pk, value in
                                  model.objects.filter(pk__in=wanted).values_list("pk", field)}
    for e in events:
        if not e.target_type:
            e.target_label = ""
            continue
        known = names.get(e.target_type, {}).get(str(e.target_id))
        e.target_label = f"{_model_name(e.target_type)} {known or f'第{e.target_id}号'}"


def _role_label(code) -> str:
    role = ROLES.get(code) if isinstance(code, str) else None
    return role.label if role else str(code)


def _kind_label(code) -> str:
    return kind_label(code)


def _doc_type_label(code) -> str:
    return label_of(code)


def _signature_label(code) -> str:
    return SIGNATURE_LEVELS.get(code) or str(code)


def key_label(key: str, action: str = "") -> str:
    if key in DETAIL_LABELS:
        return DETAIL_LABELS[key]
    return field_label(action, key)


def field_label(action: str, name: str) -> str:
    model = {"household": "registry.Household", "member": "registry.Member",
             "site": "registry.ResettlementSite"}.get(action.split(".", 1)[0])
    try:
        return str(apps.get_model(model)._meta.get_field(name).verbose_name) if model else name
    except Exception:  # LookupError, FieldDoesNotExist: a field since removed keeps its code name
        return name


def value_text(key: str, value, action: str = "", scope: str = "household") -> str:
    """One stored value as officials read it."""
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(key, v, action, scope) for v in value) or "（空）"
    if isinstance(value, dict):
        for name_key in ("name", "original_name", "label"):
            if value.get(name_key):
                return str(value[name_key])
        return "，".join(f"{key_label(k, action)}：{value_text(k, v, action, scope)}" for k, v in value.items())
    if not isinstance(value, str):
        return str(value)
    if key in ("stage", "from", "to"):
        return stage_label(value, scope)
    if key == "step":
        return step_label(value, scope) or value
    if key == "via":
        return VIA_LABELS.get(value, value)
    if key == "transition":
        return TRANSITION_LABELS.get(value, value)
    if key == "decision":
        return DECISION_LABELS.get(value, value)
    if key in ("role", "responsible_role"):
        return _role_label(value)
    if key == "category" and action.startswith("finding."):
        return dict(Finding.Category.choices).get(value, value)
    if key == "signature_level":
        return _signature_label(value)
    if key in ("kind", "evidence"):
        return _kind_label(value)
    if key == "doc_type":
        return _doc_type_label(value)
    if key == "content_type":
        return TYPE_LABELS.get(value, value)
    return value


def detail_items(detail: dict, action: str = "", scope: str = "household") -> list[tuple[str, str]]:
    return [(key_label(k, action), value_text(k, v, action, scope)) for k, v in (detail or {}).items()]
