"""Resettlement across counties (跨县安置, issue 20 item 6; seed 004: 23万 people resettled across
county lines): a household of county A at a site of county B, once both counties approve.

The flow, each step one transaction and one audit event:
1. county A asks (`request_placement`): a 乡镇审核员 or A's 县搬迁办 over the household, naming a site of
   another county of the same province (only where POLICY_CROSS_COUNTY_PROVINCES allows it) and
   the reason; the household must not have moved in yet;
2. county A's 县搬迁办 approves or refuses (`decide_home`) — not the official who asked (审批分离);
3. county B's 县搬迁办, over the site, approves or refuses (`decide_host`). Approving puts the
   household at the site (centralised), counted against the site's plan under the site row's lock
   (registry/siting.py); from then on registry.policy accepts the site and registry.scope lets the
   posts serving the site see the household for 分房, 入住 and 后扶 (HOSTED_CAPABILITIES), while
   county A keeps the case.

A refusal ends the request (a new one may be filed). Officials read every refusal in Chinese;
nothing changes when one is raised.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import record
from registry import policy, siting
from registry.models import (
    OPEN_STATUSES,
    CrossCountyPlacement,
    Household,
    HouseholdStage,
    PlacementStatus,
    ResettlementMode,
    ResettlementSite,
)
from registry.policy import Violation
from registry.scope import area_q, covers, post_held

REQUEST_ROLES = ("role_township_reviewer", "role_county_office")
DECIDE_ROLES = ("role_county_office",)
VIEW_HOUSEHOLD = "registry.view_household"
VIEW_SITE = "registry.view_resettlementsite"
# Once moved in, the household's site is settled (as workflows/sites/allocation.py says).
SETTLED = (HouseholdStage.MOVE_IN, HouseholdStage.DEMOLITION, HouseholdStage.FOLLOW_UP, HouseholdStage.REMOVED)


class PlacementRefused(Exception):
    """Nothing changed; `violations` say why. `status`: 400, 403 (wrong post), 404 (out of scope),
    409 (handled meanwhile) — as workflows.acting's refusals."""

    def __init__(self, violations, status=400):
        self.violations = list(violations) if isinstance(violations, list) else [violations]
        self.status = status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return "；".join(v.message for v in self.violations)


def _refuse(code, message, field="placement", status=400):
    raise PlacementRefused(Violation(code, field, message), status)


def county_code(area_code: str) -> str:
    return area_code[:6].ljust(12, "0")


def candidate_sites(household):
    """Sites of the other counties of the household's province, where the province allows it (what
    county A may ask for: the site's name and county, nothing of its households)."""
    code = household.area_code
    if policy.cross_county_allowed(code, code[:2].ljust(12, "9")):
        return ResettlementSite.objects.none()
    return (ResettlementSite.objects.filter(area_code__startswith=code[:2]).exclude(area_code__startswith=code[:6])
            .select_related("area").order_by("code"))


def visible_placements(user):
    """The requests a user may read: those of households in their area (county A) and those for
    sites in their area (county B, which must read a request to decide it)."""
    return CrossCountyPlacement.objects.filter(
        area_q(user, VIEW_HOUSEHOLD) | area_q(user, VIEW_SITE, "host_area_code"))


def get_placement_for(user, pk) -> CrossCountyPlacement:
    placement = (visible_placements(user).select_related("household", "household__village", "site", "site__area",
                                                         "requested_by", "home_decided_by", "host_decided_by")
                 .filter(pk=pk).first() if str(pk).isdigit() else None)
    if placement is None:
        _refuse("not_found", "未找到该跨县安置申请，或不在您的管辖范围内。", status=404)
    return placement


def may_decide_home(user, placement) -> bool:
    return (placement.status == PlacementStatus.PENDING_HOME and placement.requested_by_id != user.pk
            and post_held(user, DECIDE_ROLES, placement.area_code) is not None)


def may_decide_host(user, placement) -> bool:
    return (placement.status == PlacementStatus.PENDING_HOST
            and post_held(user, DECIDE_ROLES, placement.host_area_code) is not None)


def _lock_household(pk):
    household = Household.objects.select_for_update(of=("self",)).select_related("village", "site").filter(pk=pk).first()
    if household is None:
        _refuse("not_found", "未找到该搬迁户，或不在您的管辖范围内。", status=404)
    return household


def request_placement(*, actor, household_id, site_id, reason: str, request=None) -> CrossCountyPlacement:
    reason = (reason or "").strip()
    with transaction.atomic():
        household = _lock_household(household_id)
        if not covers(actor, VIEW_HOUSEHOLD, household.area_code):
            _refuse("not_found", "未找到该搬迁户，或不在您的管辖范围内。", status=404)
        role = post_held(actor, REQUEST_ROLES, household.area_code)
        if role is None:
            _refuse("wrong_role", "跨县安置申请须由迁出地乡镇审核员或县易地扶贫搬迁办公室提出。", status=403)
        found = []
        site = ResettlementSite.objects.filter(pk=site_id).first() if str(site_id or "").isdigit() else None
        if site is None:
            found.append(Violation("site_required", "site", "请选择迁入县的集中安置点。"))
        else:
            found += policy.cross_county_allowed(household.area_code, site.area_code)
        if household.stage in SETTLED:
            found.append(Violation("settled", "household",
                                   f"该户处于“{household.get_stage_display()}”阶段，不能再申请跨县安置。"))
        if not reason:
            found.append(Violation("reason_required", "reason", "须写明跨县安置的理由。"))
        elif len(reason) > 500:
            found.append(Violation("reason_too_long", "reason", "理由不超过500字。"))
        if CrossCountyPlacement.objects.filter(household=household, status__in=OPEN_STATUSES).exists():
            found.append(Violation("already_open", "household", "该户已有在办或已批准的跨县安置申请。"))
        if found:
            raise PlacementRefused(found)
        try:
            with transaction.atomic():
                placement = CrossCountyPlacement.objects.create(
                    household=household, site=site, area_code=household.area_code, host_area_code=site.area_code,
                    home_county_code=county_code(household.area_code), host_county_code=county_code(site.area_code),
                    reason=reason, requested_by=actor, requested_at=timezone.now())
        except IntegrityError:  # another request filed meanwhile (the conditional unique constraint)
            _refuse("already_open", "该户已有在办或已批准的跨县安置申请。", status=409)
        record(actor, "household.cross_county_request", household, {
            "placement": placement.pk, "site": site.pk, "site_code": site.code,
            "host_county": placement.host_county_code, "reason": reason, "role": role}, request)
        return placement


def _locked_placement(pk, status):
    placement = CrossCountyPlacement.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if placement is None:
        _refuse("not_found", "未找到该跨县安置申请，或不在您的管辖范围内。", status=404)
    if placement.status != status:
        _refuse("already_handled", "该申请已处理（可能已由他人办理），请刷新页面。", status=409)
    return placement


def decide_home(pk, *, actor, approve: bool, opinion: str, request=None) -> CrossCountyPlacement:
    """County A's 县搬迁办 approves (to county B) or refuses."""
    opinion = (opinion or "").strip()
    with transaction.atomic():
        placement = get_placement_for(actor, pk)
        placement = _locked_placement(placement.pk, PlacementStatus.PENDING_HOME)
        role = post_held(actor, DECIDE_ROLES, placement.area_code)
        if role is None:
            _refuse("wrong_role", "迁出县意见须由迁出县易地扶贫搬迁办公室签署。", status=403)
        if placement.requested_by_id == actor.pk:
            _refuse("own_submission", "不能审批本人提出的申请（审批分离）。", status=403)
        if not approve and not opinion:
            _refuse("opinion_required", "不同意须填写意见。", "opinion")
        placement.status = PlacementStatus.PENDING_HOST if approve else PlacementStatus.REFUSED
        placement.home_decided_by, placement.home_decided_at, placement.home_opinion = actor, timezone.now(), opinion
        placement.save(update_fields=["status", "home_decided_by", "home_decided_at", "home_opinion"])
        household = Household.objects.get(pk=placement.household_id)
        record(actor, "household.cross_county_home_" + ("approve" if approve else "refuse"), household, {
            "placement": placement.pk, "site": placement.site_id, "opinion": opinion, "role": role}, request)
        return placement


def decide_host(pk, *, actor, approve: bool, opinion: str, request=None) -> CrossCountyPlacement:
    """County B's 县搬迁办 approves — the household is put at the site, within its plan — or refuses."""
    opinion = (opinion or "").strip()
    with transaction.atomic():
        placement = get_placement_for(actor, pk)
        # Lock order as registry/siting.py: the site row first, then the household's, then the request.
        site = siting.lock_site_row(placement.site_id)
        household = _lock_household(placement.household_id)
        placement = _locked_placement(placement.pk, PlacementStatus.PENDING_HOST)
        role = post_held(actor, DECIDE_ROLES, placement.host_area_code)
        if role is None:
            _refuse("wrong_role", "迁入县意见须由迁入县易地扶贫搬迁办公室签署。", status=403)
        if not approve and not opinion:
            _refuse("opinion_required", "不同意须填写意见。", "opinion")
        found = []
        if approve:
            found += policy.cross_county_allowed(household.area_code, site.area_code)
            if household.stage in SETTLED:
                found.append(Violation("settled", "household",
                                       f"该户处于“{household.get_stage_display()}”阶段，不能调整安置点。"))
            # 分房 at a former site (workflows' UnitAllocation, reached by its reverse name: no import up).
            if Household.objects.filter(pk=household.pk, unit_allocation__isnull=False).exists():
                found.append(Violation("already_allocated", "household", "该户已在原安置点分房，须先撤销分房。"))
            members = list(household.members.all())
            found += siting.assignment_violations(household, members, site_id=site.pk,
                                                  what=f"安排该户（{len(members)}人）")
        if found:
            raise PlacementRefused(found)
        placement.status = PlacementStatus.APPROVED if approve else PlacementStatus.REFUSED
        placement.host_decided_by, placement.host_decided_at, placement.host_opinion = actor, timezone.now(), opinion
        placement.save(update_fields=["status", "host_decided_by", "host_decided_at", "host_opinion"])
        data = {"placement": placement.pk, "site": site.pk, "site_code": site.code, "opinion": opinion, "role": role}
        if approve:
            data["before"] = {"site": household.site_id, "mode": household.resettlement_mode}
            household.site = site
            household.resettlement_mode = ResettlementMode.CENTRALISED
            household.scattered_location = ""
            blocking = policy.blocking(policy.check_resettlement_mode(household))
            if blocking:  # cannot happen once approved above; kept as the registry's own word
                raise PlacementRefused(blocking)
            household.save(update_fields=["site", "resettlement_mode", "scattered_location", "updated_at"])
        action = "household.cross_county_host_" + ("approve" if approve else "refuse")
        record(actor, action, household, data, request)
        # The host county's own log holds the decision too (its auditors read its area's events).
        record(actor, action, site, data, request, area_code=site.area_code)
        return placement
