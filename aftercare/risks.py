"""防返贫动态监测: the rules that raise a risk over aftercare's records, and a risk's course —
measures by the 后扶专干 or the household's 包保 cadre, a request to close (风险消除), the township's
approval or a send-back.

    scan_household(household)          # the rules, for one household (after each record; idempotent)
    scan(prefix="520999")              # every moved-in household under a prefix (manage.py scan_risks)
    add_measure(risk.pk, actor=officer, text="安排公益岗位（保洁）")
    request_close(risk.pk, actor=officer, text="已稳定就业3个月")
    decide_close(risk.pk, actor=leader, approve=True, text="同意消除")

The rules (issue 20; formats.md §3.1's 防返贫 checks): the year-to-date per-capita income under the
line (income.year_summary), a member with labour without a job for AFTERCARE_NO_JOB_MONTHS months
or more (counted from the first month of the current spell without work in the ledger), the last
ended quarter not filled in, a continuity item not confirmed. A rule raises at most one open risk
per household (a database constraint as well); an open risk stays until the township approves its
closing, whatever the records say meanwhile.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import record
from registry.models import Household
from registry.models import HouseholdStage as S
from registry.policy import Violation
from workflows.acting import NotPermitted, Refused, check_visible, lock, lock_household, refuse
from workflows.households.document_types.common import last_round_approvals

from . import employment, income, support
from .access import MOVED_IN, RECORDING_ROLES, post_for
from .models import EmploymentRecord, EmploymentStatus, Risk, RiskRule, RiskStatus, RiskStep, RiskType

# seed 001/002: the township decides (乡镇审核); its leader approves a risk's closing.
CLOSING_ROLES = ("role_township_leader",)
RULE_TYPES = {RiskRule.BELOW_LINE: RiskType.OTHER, RiskRule.NO_JOB: RiskType.UNSTABLE_JOB,
              RiskRule.QUARTER_MISSING: RiskType.OTHER, RiskRule.CONTINUITY_MISSING: RiskType.OTHER}


def months_without_job(entries, today: datetime.date) -> int | None:
    """Months from the first month of the member's current spell without work to `today`'s month;
    None when the latest update says employed or there is none."""
    entries = sorted(entries, key=lambda e: (e.month, e.id))
    if not entries or entries[-1].status != EmploymentStatus.NONE:
        return None
    start = entries[-1].month
    for entry in reversed(entries):
        if entry.status != EmploymentStatus.NONE:
            break
        start = entry.month
    return (today.year - start.year) * 12 + today.month - start.month


def _moved_in_on(household) -> datetime.date:
    confirmation = last_round_approvals(household, S.MOVE_IN).get("move_in_confirmation")
    moment = confirmation.created_at if confirmation else household.stage_entered_at
    return timezone.localtime(moment).date()


def _previous_quarter(today: datetime.date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if q == 1 else (today.year, q - 1)


def rule_hits(household, today: datetime.date | None = None) -> list[tuple[str, str]]:
    """[(rule, detail in Chinese)] of the rules the household's records meet now."""
    today = today or timezone.localdate()
    hits = []
    summary = income.year_summary(household, today.year)
    if summary["latest"] is None:  # early in a year: last year's table is the latest
        summary = income.year_summary(household, today.year - 1)
    if summary["latest"] and summary["below_line"]:
        row = summary["latest"]
        hits.append((RiskRule.BELOW_LINE, f"截至{summary['year']}年{row['label']}人均纯收入{row['per_capita']:.2f}元，"
                                          f"低于累计监测线{row['line']:.2f}元。"))
    limit = settings.AFTERCARE_NO_JOB_MONTHS
    by_member = {}
    for entry in EmploymentRecord.objects.filter(household=household).select_related("member"):
        by_member.setdefault(entry.member, []).append(entry)
    for member, entries in sorted(by_member.items(), key=lambda kv: kv[0].pk):
        months = months_without_job(entries, today)
        if employment.has_labour(member) and months is not None and months >= limit:
            hits.append((RiskRule.NO_JOB, f"{member.name}有劳动能力，已连续{months}个月未就业。"))
            break
    year, quarter = _previous_quarter(today)
    ended = income.quarter_start(year + (quarter == 4), 1 if quarter == 4 else quarter + 1)
    if quarter not in income.current_reports(household, year) and _moved_in_on(household) < ended:
        hits.append((RiskRule.QUARTER_MISSING, f"{year}年{income.QUARTER_LABELS[quarter]}收入监测表未填报。"))
    missing = support.checklist(household)["missing"]
    if missing:
        hits.append((RiskRule.CONTINUITY_MISSING, "接续事项未确认：" + "、".join(missing) + "。"))
    return hits


def _raise(household, rule, risk_type, detail, actor=None, request=None) -> Risk:
    risk = Risk.objects.create(household=household, area_code=household.area_code, rule=rule, risk_type=risk_type,
                               detail=detail)
    RiskStep.objects.create(risk=risk, area_code=risk.area_code, action=RiskStep.Action.RAISE, text=detail,
                            actor=actor if getattr(actor, "is_authenticated", False) else None)
    record(actor, "aftercare.risk_raise", household, {
        "risk": risk.pk, "risk_rule": risk.get_rule_display(), "risk_type": risk.get_risk_type_display(),
        "text": detail}, request)
    return risk


def scan_household(household, today=None) -> list[Risk]:
    """Raise the risks the rules find and that are not open already (the household row locked)."""
    raised = []
    with transaction.atomic():
        household = lock_household(household.pk)
        if household.stage not in MOVED_IN:
            return []
        open_rules = set(Risk.objects.filter(household=household).exclude(status=RiskStatus.CLOSED)
                         .values_list("rule", flat=True))
        for rule, detail in rule_hits(household, today):
            if rule in open_rules:
                continue
            try:
                with transaction.atomic():
                    raised.append(_raise(household, rule, RULE_TYPES[rule], detail))
            except IntegrityError:  # raised meanwhile by another scan (the constraint holds)
                continue
    return raised


def scan(prefix: str = "", today=None) -> int:
    count = 0
    for pk in Household.objects.filter(area_code__startswith=prefix, stage__in=MOVED_IN).values_list("pk", flat=True):
        count += len(scan_household(Household(pk=pk), today))
    return count


def raise_manually(*, actor, household, risk_type, detail, request=None) -> Risk:
    """An official identifies a risk (因病, 因灾 …) the records cannot show."""
    with transaction.atomic():
        household = lock_household(household.pk)
        _require_worker(actor, household)
        found = []
        if risk_type not in RiskType.values:
            found.append(Violation("risk_type", "risk_type", "请选择风险类型。"))
        if not (detail or "").strip():
            found.append(Violation("detail", "detail", "请写明风险情况。"))
        if household.stage not in MOVED_IN:
            found.append(Violation("not_moved_in", "detail", "该户尚未搬迁入住（或已清退）。"))
        if found:
            raise Refused(found)
        return _raise(household, RiskRule.MANUAL, risk_type, detail.strip(), actor, request)


def _require_worker(actor, household) -> None:
    """The 后扶专干's posts over the household, or its own 包保 cadre (seed 000's 包保 chain)."""
    check_visible(actor, household)
    if actor.pk == household.responsible_cadre_id or post_for(actor, RECORDING_ROLES, household):
        return
    refuse("wrong_role", "防返贫监测帮扶须由后扶专干、包保责任人或本辖区经办岗位办理。", cls=NotPermitted)


def _locked_risk(risk_pk, actor):
    """The risk row, locked (the caller's transaction); 404 outside the actor's reading scope."""
    risk = lock(Risk.objects.select_related("household"), risk_pk, "未找到该风险。")
    check_visible(actor, risk.household)
    return risk


def _step(risk, actor, action, text, request, event):
    RiskStep.objects.create(risk=risk, area_code=risk.area_code, action=action, text=text, actor=actor)
    record(actor, event, risk.household, {"risk": risk.pk, "risk_rule": risk.get_rule_display(),
                                          "result": risk.get_status_display(), "text": text}, request)


def _text(text, what) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(Violation("text", "text", f"请填写{what}。"))
    if len(text) > 500:
        raise Refused(Violation("text", "text", f"{what}最多500字。"))
    return text


def add_measure(risk_pk, *, actor, text, request=None) -> Risk:
    with transaction.atomic():
        risk = _locked_risk(risk_pk, actor)
        _require_worker(actor, risk.household)
        if risk.status != RiskStatus.OPEN:
            refuse("not_open", f"该风险{risk.get_status_display()}，不能再登记帮扶措施。")
        _step(risk, actor, RiskStep.Action.MEASURE, _text(text, "帮扶措施"), request, "aftercare.risk_measure")
    return risk


def request_close(risk_pk, *, actor, text, request=None) -> Risk:
    with transaction.atomic():
        risk = _locked_risk(risk_pk, actor)
        _require_worker(actor, risk.household)
        if risk.status != RiskStatus.OPEN:
            refuse("not_open", f"该风险{risk.get_status_display()}，不能申请消除。")
        if not risk.steps.filter(action=RiskStep.Action.MEASURE).exists():
            refuse("no_measure", "须先登记至少一项帮扶措施，才能申请风险消除。")
        text = _text(text, "风险消除理由")
        Risk.objects.filter(pk=risk.pk).update(status=RiskStatus.CLOSING)
        risk.status = RiskStatus.CLOSING
        _step(risk, actor, RiskStep.Action.REQUEST_CLOSE, text, request, "aftercare.risk_request_close")
    return risk


def decide_close(risk_pk, *, actor, approve: bool, text, request=None) -> Risk:
    """The township approves the closing (风险消除) or sends it back; not the official who asked."""
    with transaction.atomic():
        risk = _locked_risk(risk_pk, actor)
        if post_for(actor, CLOSING_ROLES, risk.household) is None:
            refuse("wrong_role", "风险消除须由本乡镇分管领导批准。", cls=NotPermitted)
        if risk.status != RiskStatus.CLOSING:
            refuse("not_closing", "该风险未申请消除。" if risk.status == RiskStatus.OPEN else "该风险已消除。")
        asked = risk.steps.filter(action=RiskStep.Action.REQUEST_CLOSE).order_by("-id").first()
        if asked and asked.actor_id == actor.pk:
            refuse("own_request", "不能批准本人提出的风险消除申请（审批分离）。", cls=NotPermitted)
        text = _text(text, "审批意见")
        if approve:
            now = timezone.now()
            Risk.objects.filter(pk=risk.pk).update(status=RiskStatus.CLOSED, closed_at=now)
            risk.status, risk.closed_at = RiskStatus.CLOSED, now
            _step(risk, actor, RiskStep.Action.APPROVE_CLOSE, text, request, "aftercare.risk_close")
        else:
            Risk.objects.filter(pk=risk.pk).update(status=RiskStatus.OPEN)
            risk.status = RiskStatus.OPEN
            _step(risk, actor, RiskStep.Action.SEND_BACK, text, request, "aftercare.risk_send_back")
    return risk
