"""The support plan (帮扶计划) and the continuity checklist (接续服务清单) of a moved-in household.

    record_plan(actor=officer, household=h, income_channels="务工、光伏分红", measures=["employment"],
                land_uses=[{"land": "farmland", "use": "transfer", "area_mu": "2.5"}])
    confirm_continuity(actor=officer, household=h, item="pension", state="transferred",
                       done_on=date(2026, 4, 2), confirmed_by="县人社局 吴敏")

Seed 002: every household at least one stable income channel (至少有1条稳定增收渠道), measures to the
household (到户到人帮扶举措), 低保 and pension continued between the old and the new place, 户籍, school
and medical care (接续服务); seed 004: the "三块地" left behind each have a way to be used. Each change
is a new row (the plan a new version), with an audit event on the household.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.log import record
from registry.policy import Violation
from workflows.acting import Refused, lock_household

from .access import require_recorder
from .income import FIRST_YEAR
from .models import (ContinuityCheck, ContinuityItem, ContinuityState, LandKind, LandUse, MeasureKind,
                     SupportPlan)

MAX_LAND_MU = Decimal("10000")


def _land_violations(land_uses) -> tuple[list[dict], list[Violation]]:
    clean, found, seen = [], [], set()
    for n, use in enumerate(land_uses, start=1):
        land, how, raw = use.get("land", ""), use.get("use", ""), str(use.get("area_mu", "")).strip()
        if not (land or how or raw):
            continue
        where = f"第{n}项土地"
        if land not in LandKind.values:
            found.append(Violation("land", "land_uses", f"{where}：请选择土地类型（耕地、林地、宅基地）。"))
            continue
        label = LandKind(land).label
        if land in seen:
            found.append(Violation("land_twice", "land_uses", f"{label}填了两次：每类土地填一行。"))
        seen.add(land)
        if how not in LandUse.values:
            found.append(Violation("land_use", "land_uses", f"{label}：请选择盘活方式（流转、入股、复垦、托管）。"))
        try:
            area = Decimal(raw)
        except InvalidOperation:
            found.append(Violation("land_area", "land_uses", f"{label}面积“{raw}”不是数字（亩）。"))
            continue
        if not area.is_finite() or not Decimal("0") < area <= MAX_LAND_MU or area != area.quantize(Decimal("0.01")):
            found.append(Violation("land_area", "land_uses", f"{label}面积须大于0、不超过10000亩，最多两位小数。"))
            continue
        clean.append({"land": land, "use": how, "area_mu": f"{area:.2f}"})
    return clean, found


def record_plan(*, actor, household, income_channels: str, measures, measure_note: str = "", land_uses=(),
                request=None) -> SupportPlan:
    """A new version of the household's support plan (locks the household row)."""
    with transaction.atomic():
        household = lock_household(household.pk)
        require_recorder(actor, household, "制定帮扶计划")
        found = []
        channels = (income_channels or "").strip()
        if not channels:
            found.append(Violation("channels", "income_channels", "须填写至少一条稳定增收渠道（如：务工、光伏分红、土地流转金）。"))
        measures = list(dict.fromkeys(measures or []))
        if not measures:
            found.append(Violation("measures", "measures", "请至少选择一项帮扶措施（产业、就业、公益岗位、金融、兜底）。"))
        elif any(m not in MeasureKind.values for m in measures):
            found.append(Violation("measures", "measures", "帮扶措施只能从产业、就业、公益岗位、金融、兜底中选择。"))
        lands, land_found = _land_violations(land_uses)
        found += land_found
        if found:
            raise Refused(found)
        last = household.support_plans.aggregate(v=Max("version"))["v"] or 0
        plan = SupportPlan.objects.create(household=household, area_code=household.area_code, version=last + 1,
                                          income_channels=channels, measures=measures,
                                          measure_note=(measure_note or "").strip(), land_uses=lands,
                                          recorded_by=actor)
        record(actor, "aftercare.support_plan", household, {
            "version": plan.version, "income_channels": channels, "measures": plan.measure_labels,
            "measure_note": plan.measure_note, "land_uses": plan.land_texts}, request)
    return plan


def confirm_continuity(*, actor, household, item, state, done_on, confirmed_by, note="", request=None) -> ContinuityCheck:
    with transaction.atomic():
        household = lock_household(household.pk)
        require_recorder(actor, household, "确认接续事项")
        found = []
        if item not in ContinuityItem.values:
            found.append(Violation("item", "item", "请选择接续事项。"))
        if state not in ContinuityState.values:
            found.append(Violation("state", "state", "请选择办理结果。"))
        if done_on is None:
            found.append(Violation("date", "done_on", "请填写办理日期。"))
        elif done_on > timezone.localdate():
            found.append(Violation("date_future", "done_on", "办理日期不能晚于今天。"))
        elif done_on.year < FIRST_YEAR:
            found.append(Violation("date_early", "done_on", f"办理日期不能早于{FIRST_YEAR}年。"))
        if not (confirmed_by or "").strip():
            found.append(Violation("confirmed_by", "confirmed_by", "请填写确认人（单位及姓名，如：县医保局 张敏）。"))
        if found:
            raise Refused(found)
        check = ContinuityCheck.objects.create(household=household, area_code=household.area_code, item=item,
                                               state=state, done_on=done_on, confirmed_by=confirmed_by.strip(),
                                               note=(note or "").strip(), recorded_by=actor)
        record(actor, "aftercare.continuity", household, {
            "item": check.get_item_display(), "result": check.get_state_display(), "date": done_on.isoformat(),
            "confirmed_by": check.confirmed_by, "note": check.note}, request)
    return check


def current_plan(household) -> SupportPlan | None:
    return household.support_plans.order_by("-version").first()


def plan_at(household, moment) -> SupportPlan | None:
    """The plan in force at `moment` (the latest version recorded by then)."""
    return household.support_plans.filter(recorded_at__lte=moment).order_by("-version").first()


def checklist(household) -> dict:
    """Each item's latest confirmation (or None) and whether the list is complete."""
    latest = {}
    for check in ContinuityCheck.objects.filter(household=household).select_related("recorded_by").order_by("id"):
        latest[check.item] = check
    items = [{"item": code, "label": label, "check": latest.get(code)} for code, label in ContinuityItem.choices]
    return {"items": items, "complete": all(i["check"] for i in items),
            "missing": [i["label"] for i in items if not i["check"]]}
