"""Funds: a site's ledger (planned, arrived 到位, disbursed 拨付) and each household's self-funds
ledger (seed 002 "严格资金管理").

- A site's money is paid out in step with construction ("在建项目要按施工进度匹配拨款进度"):
  disbursed ≤ arrived, and disbursed ≤ planned × (progress + advance share), the advance share
  a setting (SITE_DISBURSEMENT_ADVANCE_SHARE). A payment beyond that is refused with the figures.
- A household's self-funds are received up to the policy cap (seed 002 "户均自筹不超过1万元",
  registry.policy.check_self_funding) and used for housing only ("只能用于住房建设").

Every amount is a Decimal with two places; every entry has a date, a source or payee, and its
voucher filed as evidence; entries are written once. Each booking locks the site (or household)
row, so two bookings racing past a limit cannot both pass.
"""

import datetime
from dataclasses import asdict, dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from audit.log import record
from documents.models import EvidenceKind
from documents.services import generate_document
from registry import policy
from registry.models import HouseholdStage, ResettlementSite
from registry.policy import Violation
from workflows.acting import (
    VIEW_SITE,
    Refused,
    check_visible,
    lock_household,
    lock_site,
    refuse,
    require_role,
    require_site_role,
)
from workflows.models.sites import FundEntry, FundKind, FundSource, SelfFundEntry, SelfFundKind, SelfFundPurpose
from workflows.sites import stages as site_stages
from workflows.sites.progress import latest_percent

ZERO, HUNDRED, CENT = Decimal("0"), Decimal("100"), Decimal("0.01")


def money(value) -> str:
    return f"{Decimal(value):,.2f}"


def advance_share() -> Decimal:
    return Decimal(str(settings.SITE_DISBURSEMENT_ADVANCE_SHARE))


def _amount(value, field="amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2:
        refuse("bad_amount", "金额须为正数（元），最多两位小数。", field=field)
    return amount


def _date(value, field="entry_date") -> datetime.date:
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            refuse("bad_date", "日期格式不正确（如 2026-06-20）。", field=field)
    if value > timezone.localdate():
        refuse("future_date", "日期不能晚于今天。", field=field)
    return value


def _voucher_errors(voucher, *, kind: str, site=None, household=None) -> list[Violation]:
    owner_ok = (voucher is not None and
                (voucher.site_id == site.pk if site is not None else voucher.household_id == household.pk))
    if not owner_ok or voucher.kind != kind or voucher.is_withdrawn:
        return [Violation("bad_voucher", "voucher", f"须附本案已上传的“{EvidenceKind(kind).label}”作为凭证。")]
    used = (FundEntry.objects.filter(voucher=voucher).exists()
            or SelfFundEntry.objects.filter(voucher=voucher).exists())
    if used:
        return [Violation("voucher_used", "voucher", "该凭证已用于另一笔台账记录，每笔记录须有自己的凭证。")]
    return []


# A site's funds ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FundsPosition:
    planned: Decimal
    arrived: Decimal
    disbursed: Decimal
    percent: Decimal  # latest reported progress
    advance_share: Decimal

    @property
    def by_progress(self) -> Decimal:
        """What progress allows in total: planned × (progress + advance share), at most planned."""
        share = min(Decimal("1"), self.percent / HUNDRED + self.advance_share)
        return (self.planned * share).quantize(CENT, ROUND_DOWN)

    @property
    def limit(self) -> Decimal:
        return min(self.arrived, self.by_progress)

    @property
    def available(self) -> Decimal:
        return max(ZERO, self.limit - self.disbursed)

    @property
    def arrival_rate(self) -> Decimal:
        """资金到位率 (000: one of the 五率)."""
        return (self.arrived / self.planned * HUNDRED).quantize(CENT) if self.planned else ZERO

    def as_dict(self) -> dict:
        return {**asdict(self), "by_progress": self.by_progress, "limit": self.limit, "available": self.available,
                "arrival_rate": self.arrival_rate}


def _total(entries, kind) -> Decimal:
    return entries.filter(kind=kind).aggregate(total=Sum("amount"))["total"] or ZERO


def funds_position(site) -> FundsPosition:
    entries = FundEntry.objects.filter(site=site)
    return FundsPosition(
        planned=Decimal(site.planned_funds or 0),
        arrived=_total(entries, FundKind.ARRIVAL),
        disbursed=_total(entries, FundKind.DISBURSEMENT),
        percent=latest_percent(site),
        advance_share=advance_share(),
    )


def record_arrival(site_id, *, actor, amount, entry_date, source: str, voucher, note: str = "",
                   document_number: str = "", request=None) -> FundEntry:
    """Funds arrived (到位) for the site, from one source, with its voucher. The number of the
    allocating document (文号), when given, leads the note and is in the audit event."""
    amount, entry_date = _amount(amount), _date(entry_date)
    document_number = (document_number or "").strip()
    if len(document_number) > 100:
        refuse("bad_document_number", "文号不超过100字。", field="document_number")
    if document_number:
        note = "；".join(part for part in (f"文号：{document_number}", (note or "").strip()) if part)
    with transaction.atomic():
        site = lock_site(site_id)
        role = require_site_role(actor, site, site_stages.FUNDS_ROLES, "登记资金到位")
        errors = []
        if source not in FundSource.values:
            errors.append(Violation("bad_source", "source", "请选择资金来源。"))
        position = funds_position(site)
        if position.arrived + amount > position.planned:
            errors.append(Violation(
                "over_planned", "amount",
                f"到位资金累计不得超过计划投资：计划投资{money(position.planned)}元，已到位{money(position.arrived)}元，"
                f"本次{money(amount)}元，合计{money(position.arrived + amount)}元。"))
        errors += _voucher_errors(voucher, kind=EvidenceKind.FUND_VOUCHER, site=site)
        if errors:
            raise Refused(errors)
        entry = FundEntry.objects.create(site=site, kind=FundKind.ARRIVAL, amount=amount, entry_date=entry_date,
                                         source=source, voucher=voucher, note=(note or "").strip()[:300],
                                         recorded_by=actor)
        record(actor, "site.funds_arrival", site, {
            "entry_id": entry.pk, "amount": str(amount), "date": entry_date, "source": source,
            "voucher": voucher.pk, "arrived_total": str(position.arrived + amount), "role": role,
            "document_number": document_number,
        }, request)
        return entry


def record_disbursement(site_id, *, actor, amount, entry_date, payee: str, purpose: str, voucher, note: str = "",
                        request=None) -> FundEntry:
    """Funds paid out (拨付) for the site's construction, within what arrived and what progress allows."""
    amount, entry_date = _amount(amount), _date(entry_date)
    payee, purpose = (payee or "").strip(), (purpose or "").strip()
    with transaction.atomic():
        site = lock_site(site_id)
        role = require_site_role(actor, site, site_stages.FUNDS_ROLES, "登记资金拨付")
        if not site_stages.reached(site.stage, site_stages.T.TENDER):
            refuse("too_early", f"安置点处于“{site_stages.label(site.stage)}”阶段：签订施工合同（招投标）前不得拨付工程资金。")
        errors = []
        if not payee or len(payee) > 200:
            errors.append(Violation("payee_required", "payee", "须填写收款单位（不超过200字）。"))
        if not purpose or len(purpose) > 200:
            errors.append(Violation("purpose_required", "purpose", "须填写拨付用途（不超过200字）。"))
        position = funds_position(site)
        total = position.disbursed + amount
        if total > position.arrived:
            errors.append(Violation(
                "over_arrived", "amount",
                f"拨付不得超过到位资金：已到位{money(position.arrived)}元，已拨付{money(position.disbursed)}元，"
                f"本次{money(amount)}元，合计{money(total)}元，超出{money(total - position.arrived)}元。"))
        if total > position.by_progress:
            errors.append(Violation(
                "over_progress", "amount",
                f"拨付须与施工进度匹配：计划投资{money(position.planned)}元 ×（形象进度{position.percent}% + "
                f"预付比例{(position.advance_share * HUNDRED).normalize():f}%）= 可拨付上限{money(position.by_progress)}元；"
                f"已拨付{money(position.disbursed)}元，本次{money(amount)}元，合计{money(total)}元，"
                f"超出{money(total - position.by_progress)}元。"))
        errors += _voucher_errors(voucher, kind=EvidenceKind.FUND_VOUCHER, site=site)
        if errors:
            raise Refused(errors)
        entry = FundEntry.objects.create(site=site, kind=FundKind.DISBURSEMENT, amount=amount,
                                         entry_date=entry_date, payee=payee, purpose=purpose, voucher=voucher,
                                         progress_percent=position.percent, note=(note or "").strip()[:300],
                                         recorded_by=actor)
        record(actor, "site.funds_disbursement", site, {
            "entry_id": entry.pk, "amount": str(amount), "date": entry_date, "payee": payee, "purpose": purpose,
            "voucher": voucher.pk, "disbursed_total": str(total), "limit": str(position.limit),
            "progress": str(position.percent), "role": role,
        }, request)
        return entry


def funds_statement(site_id, *, actor, request=None):
    """Generate the site's 资金到位及拨付情况表 now (also issued when the site passes acceptance)."""
    site = ResettlementSite.objects.get(pk=site_id)
    check_visible(actor, site, VIEW_SITE, "安置点")
    return generate_document("site_funds_statement", actor=actor, site=site, request=request)


# A household's self-funds ------------------------------------------------------------------

@dataclass(frozen=True)
class SelfFunds:
    received: Decimal
    used: Decimal
    cap: Decimal

    @property
    def balance(self) -> Decimal:
        return self.received - self.used


def self_funds_of(household) -> SelfFunds:
    entries = SelfFundEntry.objects.filter(household=household)
    return SelfFunds(_total(entries, SelfFundKind.RECEIVED), _total(entries, SelfFundKind.USED),
                     policy.max_self_funding())


def record_self_funds(household_id, *, actor, kind: str, amount, entry_date, voucher, purpose: str = "",
                      note: str = "", request=None) -> SelfFundEntry:
    """One entry of the household's self-funds ledger: money received from the household (at most
    the policy cap in total) or used — for housing only, never more than was received."""
    amount, entry_date = _amount(amount), _date(entry_date)
    with transaction.atomic():
        household = lock_household(household_id)
        role = require_role(actor, household, site_stages.SELF_FUNDS_ROLES, "登记户自筹资金")
        if household.stage == HouseholdStage.REMOVED:
            refuse("removed", "该户已清退，不能登记自筹资金。")
        if kind not in SelfFundKind.values:
            refuse("bad_kind", "请选择“收取”或“使用”。", field="kind")
        ledger = self_funds_of(household)
        errors = []
        if kind == SelfFundKind.RECEIVED:
            purpose = ""
            for v in policy.check_self_funding(ledger.received + amount):
                errors.append(Violation(v.code, "amount",
                                        f"已收取{money(ledger.received)}元，本次{money(amount)}元：{v.message}"))
        else:
            if purpose != SelfFundPurpose.HOUSING:
                # seed 002: "群众自筹资金只能用于住房建设，不得用于其他方面支出".
                errors.append(Violation("not_for_housing", "purpose", "群众自筹资金只能用于住房建设，不得用于其他方面支出。"))
            if ledger.used + amount > ledger.received:
                errors.append(Violation(
                    "over_received", "amount",
                    f"使用金额不得超过已收取的自筹资金：已收取{money(ledger.received)}元，已使用{money(ledger.used)}元，"
                    f"本次{money(amount)}元。"))
        errors += _voucher_errors(voucher, kind=EvidenceKind.SELF_FUNDS_RECEIPT, household=household)
        if errors:
            raise Refused(errors)
        entry = SelfFundEntry.objects.create(household=household, kind=kind, amount=amount, entry_date=entry_date,
                                             purpose=purpose, voucher=voucher, note=(note or "").strip()[:300],
                                             recorded_by=actor)
        record(actor, f"household.self_funds_{kind}", household, {
            "entry_id": entry.pk, "amount": str(amount), "date": entry_date, "purpose": purpose,
            "voucher": voucher.pk, "role": role,
            "received_total": str(ledger.received + (amount if kind == SelfFundKind.RECEIVED else ZERO)),
            "used_total": str(ledger.used + (amount if kind == SelfFundKind.USED else ZERO)),
        }, request)
        return entry
