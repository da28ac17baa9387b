"""The demo county's lifecycle: the households of `registry.demo` (示例县) moved through every
stage by the real services, so that the demo shows cases in each stage with their opinions,
evidence, documents and audit events.

Every move is a call an official could have made from the inbox, by the post that makes it:
the village clerk submits and posts the notice, the village head records the review meeting,
the township reviewer surveys, the county office approves, the housing bureau, the township
leader and the household sign the acceptance, the natural-resources bureau accepts the
reclamation. Nothing here writes `stage`.

Dates: the services stamp opinions and events with the current time; only what officials enter
as a date (the meeting, the notice period) lies in the past, so that ended notices close by the
rule (`close_due_notices`) and one notice is still running.

The build is not one transaction: each service call commits on its own, so its documents are
rendered after its commit as in real use (docs/architecture.md decision 4). A build that stops halfway
(a refused step is a bug here) leaves what it did; the county then counts as built.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min
from django.utils import timezone

from audit.log import record
from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.models import Document, Evidence
from documents.services import generate_document
from registry import policy
from registry.demo import COUNTY, DEFAULT_HOUSEHOLDS, SITES, demo_exists, demo_posts
from registry.models import (
    PREFIX_LENGTH,
    AdminArea,
    AreaLevel,
    Household,
    KeptHouseReason,
    ResettlementMode,
    ResettlementSite,
)
from registry.models import HouseholdStage as S
from workflows import acting
from workflows.demo_evidence import EvidenceMaker
from workflows.households import batches, service, stages
from workflows.households.batches import Vote
from workflows.models.households import Decision, NoticeBatch, Objection, ObjectionStatus, Opinion
from workflows.models.sites import FundEntry, SelfFundEntry
from workflows.records.ledgers import FUNDS_LEDGER
from workflows.records.level import LEVEL_RECORDS, check_request
from workflows.sites import funds as site_funds
from workflows.sites.demo import allocate_demo_unit, hand_over_site

PREFIX = COUNTY[0][:6]
# The site handed over for the demo: the township's own small site, finished first.
HANDOVER_SITE = "520999-AZD-02"


class LifecycleDemoError(Exception):
    """The demo cannot be built (registry demo missing) or a service refused a demo step."""


@dataclass(frozen=True)
class Cohort:
    """Households that stop at the same point of the lifecycle."""

    key: str
    count: int  # at the registry demo's default size; scaled with the county's households
    moves_in: bool = False  # reaches 入住: scattered, or at the handed-over site (seed 002)


# In the order households are drawn: the constrained ones first.
COHORTS = (
    Cohort("follow_up", 4, moves_in=True),  # 后扶
    Cohort("follow_up_kept", 1, moves_in=True),  # 后扶, old house kept with county approval
    Cohort("demolition", 3, moves_in=True),  # 拆旧复垦 (the first one waits for natural resources)
    Cohort("move_in", 3, moves_in=True),  # 入住
    Cohort("notice_open", 5),  # 公示 in the running batch of one village, one with an open objection
    Cohort("acceptance", 4),  # 验收, joint sign-off partly done
    Cohort("construction", 4),  # 开工
    Cohort("approval_county", 4),  # 审核, township done, waiting for the county
    Cohort("approval_township", 5),  # 审核, waiting for the township survey
    Cohort("returned", 1),  # returned by the township from 审核 to 公示, with its opinion
    Cohort("removed_approval", 1),  # 清退 from 审核
    Cohort("review", 6),  # 评议: submitted, waiting for the village meeting
    Cohort("removed_review", 1),  # 清退 from 评议
    Cohort("failed_vote", 1),  # the meeting voted it down: back in 申报 with the reason
)
# Cohorts that pass the first (long ended) review meeting and notice of their village.
PAST_NOTICE = ("follow_up", "follow_up_kept", "demolition", "move_in", "acceptance", "construction", "approval_county",
               "approval_township", "returned", "removed_approval")
AT_LEAST_APPROVED = ("follow_up", "follow_up_kept", "demolition", "move_in", "acceptance", "construction")


# --- generated evidence ---------------------------------------------------------------------

@dataclass
class LifecycleSummary:
    built: bool
    seconds: float = 0.0
    households_moved: int = 0
    evidence_uploaded: int = 0
    missing_cohorts: list[str] = field(default_factory=list)  # too few suitable households


def lifecycle_demo_exists() -> bool:
    """Any opinion in the demo county: its lifecycle has been started (by this build or by hand)."""
    return Opinion.objects.filter(area_code__startswith=PREFIX).exists()


def scaled(count: int, households: int) -> int:
    return max(1, round(count * households / DEFAULT_HOUSEHOLDS))


class _Build:
    def __init__(self):
        self.today = timezone.localdate()
        self.files = EvidenceMaker()
        self.evidence = 0
        posts = {(p.role, p.area_code): p.username for p in demo_posts()}
        users = {u.username: u for u in get_user_model().objects.filter(username__in=posts.values(), is_active=True)}
        missing = sorted(set(posts.values()) - set(users))
        if missing:
            raise LifecycleDemoError(f"示例县演示账号不全（缺少 {'、'.join(missing[:5])} 等），请先运行 seed_demo。")
        self.users = {key: users[name] for key, name in posts.items()}

    # Who acts, by post.
    def user(self, role, area_code):
        return self.users[(role, area_code)]

    def clerk(self, h):
        return self.user(stages.CLERK, h.village.code)

    def head(self, village):
        return self.user(stages.HEAD, village.code)

    def reviewer(self, h):
        return self.user(stages.REVIEWER, h.village.parent.code)

    def leader(self, h):
        return self.user(stages.LEADER, h.village.parent.code)

    def county(self, role):
        return self.user(role, COUNTY[0])

    # Service calls: a refusal here is a bug of the demo (or of the rules), never skipped.
    def run(self, h, what, service, **kwargs):
        try:
            return service(h.pk, **kwargs)
        except acting.Refused as exc:
            raise LifecycleDemoError(f"{h.number}：{what} 被拒绝：{exc.message}") from exc

    def approve(self, h, step, actor, opinion, **kwargs):
        return self.run(h, step, service.decide, step=step, actor=actor, decision=Decision.APPROVE,
                        opinion=opinion, **kwargs)

    def give(self, h, stage, actor, *kinds):
        head = h.head
        where = f"{h.village.parent.name}{h.village.name}"
        for kind in kinds:
            upload = self.files.upload(
                kind, [f"户编号 {h.number}  户主 {head.name if head else ''}", where],
                [f"household {h.number}", f"area {h.area_code}"], f"{kind}-{h.number}",
            )
            ingest_evidence(actor=actor, upload=upload, stage=stage, kind=kind, household=h,
                            description="演示材料（系统生成）")
            self.evidence += 1

    def batch_file(self, kind, village, when, extra):
        return self.files.upload(kind, [f"{village.parent.name}{village.name}  {when:%Y年%m月%d日}", extra],
                                 [f"village {village.code}", f"{when:%Y-%m-%d}"], f"{kind}-{village.code}")


def _households():
    """The county's untouched households (申报, no opinion yet), ordered by number."""
    return list(
        Household.objects.filter(area_code__startswith=PREFIX, stage=S.APPLY, opinions__isnull=True)
        .select_related("village__parent", "site").prefetch_related("members").order_by("number")
    )


def allocate(households, handover_site_id) -> tuple[dict[str, list], list[str]]:
    """Draw each cohort's households, spread over the villages in turn; the running notice takes
    its households from one village (one batch)."""
    pools: dict[str, list] = {}
    for h in households:
        pools.setdefault(h.village.code, []).append(h)
    villages = sorted(pools)
    cursor = 0

    def can_move_in(h):
        return h.resettlement_mode == ResettlementMode.SCATTERED or h.site_id == handover_site_id

    def take(eligible):
        nonlocal cursor
        for i in range(len(villages)):
            code = villages[(cursor + i) % len(villages)]
            for h in pools[code]:
                if eligible(h):
                    pools[code].remove(h)
                    cursor = (cursor + i + 1) % len(villages)
                    return h
        return None

    chosen: dict[str, list] = {}
    short = []
    for cohort in COHORTS:
        want = scaled(cohort.count, len(households))
        if cohort.key == "notice_open":
            village = max(villages, key=lambda c: (len(pools[c]), c)) if villages else None
            picked = pools[village][:want] if village else []
            if village:
                del pools[village][:want]
        else:
            picked = []
            for _ in range(want):
                h = take(can_move_in if cohort.moves_in else (lambda h: True))
                if h is None:
                    break
                picked.append(h)
        if not picked:
            short.append(cohort.key)
        chosen[cohort.key] = picked
    return chosen, short


def build_lifecycle_demo(*, log=lambda message: None) -> LifecycleSummary:
    """Move the demo county's households through the lifecycle, unless that has been done."""
    started = timezone.now()
    if lifecycle_demo_exists():
        return LifecycleSummary(built=False)
    if not demo_exists() or not ResettlementSite.objects.filter(code=HANDOVER_SITE).exists():
        raise LifecycleDemoError("示例县演示数据不存在，请先运行 seed_demo。")
    build = _Build()

    # One site walks through the site lifecycle to 交付入住 (workflows/sites/demo.py), so that its
    # centralised households may move in (seed 002: no move-in before acceptance).
    site = hand_over_site(HANDOVER_SITE)

    chosen, short = allocate(_households(), site.pk)
    everyone = [h for hs in chosen.values() for h in hs]
    summary = LifecycleSummary(built=True, missing_cohorts=short)
    log(f"参与流程演示的搬迁户 {len(everyone)} 户。")

    try:
        _apply(build, everyone)
        _past_meetings_and_notices(build, chosen)
        _running_notice(build, chosen["notice_open"])
        _removals(build, chosen)
        log("申报、评议、公示已办理，正在办理审核及以后各环节……")
        _approval(build, chosen)
        _construction(build, chosen)
        _acceptance(build, chosen)
        _move_in(build, chosen)
        _demolition(build, chosen)
        _level_records(build)
    except acting.Refused as exc:  # a batch service refused: as with a single step, a bug here
        raise LifecycleDemoError(f"演示流程被拒绝：{exc.message}") from exc

    summary.households_moved = len(everyone)
    summary.evidence_uploaded = build.evidence
    summary.seconds = (timezone.now() - started).total_seconds()
    record(None, "demo.lifecycle_seed", AdminArea.objects.get(code=COUNTY[0]), {
        "households": len(everyone), "evidence": build.evidence, "handover_site": HANDOVER_SITE,
        "cohorts": {k: [h.number for h in hs] for k, hs in chosen.items()},
    })
    return summary


def _by_village(households):
    grouped: dict[str, list] = {}
    for h in households:
        grouped.setdefault(h.village.code, []).append(h)
    return [(hs[0].village, hs) for _, hs in sorted(grouped.items())]


def _apply(b: _Build, households):
    """申报: the clerk files the household register scan, the house photo and the signed form."""
    for h in households:
        b.give(h, S.APPLY, b.clerk(h), "hukou_scan", "current_house_photo", "signed_application")
        b.approve(h, "submit_application", b.clerk(h), "经村级初审，申报材料齐全，该户符合搬迁条件，同意上报。")


def _meeting(b: _Build, village, households, held_on, failing=()):
    expected = 28 + int(village.code[-1])
    present = math.ceil(expected * 0.8)
    votes = []
    for h in households:
        if h in failing:
            agree = present // 3
            votes.append(Vote(h.pk, agree=agree, against=present - agree - 1, abstain=1,
                              reason="多数代表反映该户已在集镇自建住房并实际居住，建议核实后再议。"))
        else:
            votes.append(Vote(h.pk, agree=present - 2, against=1, abstain=1))
    files = {
        kind: b.batch_file(kind, village, held_on, f"应到{expected}人，实到{present}人")
        for kind in ("meeting_minutes_scan", "sign_in_sheet", "meeting_photo")
    }
    batches.record_review_meeting(
        village=village, actor=b.head(village), held_on=held_on, place=f"{village.name}村委会会议室",
        expected_members=expected, present_members=present, votes=votes, files=files,
        minutes=f"{village.name}村民代表会议对{len(households)}户搬迁申请进行民主评议，逐户表决。",
    )
    b.evidence += len(files) * len(households)


def _notice(b: _Build, village, households, posted_on, ends_on):
    clerk = b.clerk(households[0])
    batch = batches.create_notice_batch(
        village=village, actor=clerk, household_ids=[h.pk for h in households], posted_on=posted_on,
        ends_on=ends_on, posted_at=f"{village.name}村委会公示栏及各村民组公示点",
    )
    batches.file_notice_photo(batch_id=batch.pk, actor=clerk,
                              upload=b.batch_file("posted_notice_photo", village, posted_on, "张榜公示"))
    b.evidence += len(households)
    return batch


def _past_meetings_and_notices(b: _Build, chosen):
    """评议 and 公示 long over for most: one meeting and one notice per village, then the rule
    closes the ended notices and moves their households on to 审核."""
    failing = set(chosen["failed_vote"])
    past = [h for key in PAST_NOTICE for h in chosen[key]]
    for village, households in _by_village(past + list(failing)):
        _meeting(b, village, households, b.today - timedelta(days=30), failing=failing)
    for village, households in _by_village(past):
        _notice(b, village, households, b.today - timedelta(days=27), b.today - timedelta(days=19))
    result = batches.close_due_notices()
    if result["waiting"]:
        raise LifecycleDemoError(f"公示期满未能转入审核：{result['waiting']}")


def _running_notice(b: _Build, households):
    """One village's notice still running, with an objection the township has yet to look into."""
    if not households:
        return
    village = households[0].village
    _meeting(b, village, households, b.today - timedelta(days=6))
    batch = _notice(b, village, households, b.today - timedelta(days=4), b.today + timedelta(days=4))
    batches.record_objection(
        batch_id=batch.pk, household_id=households[0].pk, actor=b.clerk(households[0]), objector="本村村民王某",
        content="反映该户长子已在县城购房并落户，家庭实际居住情况与申报不符，请核实。",
    )


def _removals(b: _Build, chosen):
    """清退 with an approved reason (seed 002: 不符合条件的坚决予以清退): the township asks, the
    county office decides."""
    reasons = {
        "removed_review": "该户户主书面申请自愿放弃搬迁（已签字按手印），经村组核实属实，申请清退。",
        "removed_approval": "乡镇入户调查核实：该户已于2018年在县城自购商品房并实际居住，不符合搬迁对象条件，申请清退。",
    }
    for key, reason in reasons.items():
        for h in chosen[key]:
            b.run(h, "removal_request", service.request_removal, actor=b.reviewer(h), reason=reason)
            b.run(h, "removal_approval", service.decide_removal, actor=b.county(stages.COUNTY_OFFICE), approve=True,
                  opinion="经县级核实，清退理由成立，同意清退。")


def _approval(b: _Build, chosen):
    """审核: the township survey, then the county's sample check and approval (which prints the
    搬迁协议, signed at 开工); one household is returned by the township with its opinion."""
    for h in chosen["returned"]:
        b.run(h, "township_review", service.decide, step="township_review", actor=b.reviewer(h),
              decision=Decision.RETURN,
              opinion="入户调查发现：申报家庭人口与户口簿不一致（次子已分户），请村级核实更正后重新报送。")
    surveyed = chosen["approval_county"] + [h for key in AT_LEAST_APPROVED for h in chosen[key]]
    for h in surveyed:
        b.give(h, S.APPROVAL, b.reviewer(h), "household_survey")
        b.approve(h, "township_review", b.reviewer(h), "经入户调查，家庭人口、住房和收入情况属实，同意上报县级审批。")
    for h in [h for key in AT_LEAST_APPROVED for h in chosen[key]]:
        b.approve(h, "county_approval", b.county(stages.COUNTY_OFFICE),
                  "经抽样实地踏验和信息比对，符合易地扶贫搬迁条件，同意纳入搬迁计划。")


def _construction(b: _Build, chosen):
    for h in [h for key in AT_LEAST_APPROVED for h in chosen[key]]:
        # The 搬迁协议 printed at the county's decision, signed by the household and the township.
        b.give(h, S.CONSTRUCTION, b.reviewer(h), "signed_agreement")
    for h in [h for key in AT_LEAST_APPROVED if key != "construction" for h in chosen[key]]:
        b.give(h, S.CONSTRUCTION, b.reviewer(h), "construction_photo")
        b.approve(h, "start_record", b.reviewer(h), "安置住房已开工建设，开工照片已上传。")


def _acceptance(b: _Build, chosen):
    """验收, a joint sign-off: the housing bureau (measured area), the township leader (not the
    reviewer who recorded the start: 审批分离) and the household's representative."""
    housing = b.county(stages.HOUSING)

    def by_housing(h):
        b.give(h, S.ACCEPTANCE, housing, "inspection_photo")
        b.approve(h, "housing_acceptance", housing, "经现场质量验收，主体结构安全，实测面积已录入，验收合格。",
                  changes={"actual_floor_area": h.planned_floor_area - Decimal("0.40")})

    def by_township(h):
        b.approve(h, "township_acceptance", b.leader(h), "乡镇参加联合验收，同意验收合格。")

    def by_household(h):
        b.give(h, S.ACCEPTANCE, b.reviewer(h), "signed_confirmation")
        b.approve(h, "household_confirmation", b.reviewer(h), "搬迁户代表现场查看，对住房质量无异议，已签字确认。")

    partly = ((by_housing,), (by_household, by_township), (by_housing, by_household))
    for i, h in enumerate(chosen["acceptance"]):
        for sign in partly[i % len(partly)]:
            sign(h)
    for h in [h for key in ("follow_up", "follow_up_kept", "demolition", "move_in") for h in chosen[key]]:
        allocate_demo_unit(h)  # 分房 before 入住 (issue 5): a centralised household's unit, by lot
        by_household(h)
        by_township(h)
        by_housing(h)


def _move_in(b: _Build, chosen):
    for h in [h for key in ("follow_up", "follow_up_kept", "demolition") for h in chosen[key]]:
        _self_funds(b, h)
        b.give(h, S.MOVE_IN, b.reviewer(h), "old_new_house_photo", "signed_move_in")
        b.approve(h, "move_in_confirmation", b.reviewer(h), "钥匙已交付，该户已搬迁入住。")


def _self_funds(b: _Build, h):
    """The household's self-funds ledger (seed 002 "分类建立收支台账"): its share received by the
    township and used for the house, each entry with its own receipt, so the county's 资金台账 has
    self-funds beside the sites' money."""
    amount = min(Decimal(h.self_funding or 0), policy.max_self_funding())
    if amount <= 0:
        return
    reviewer = b.reviewer(h)
    for kind, purpose in (("received", ""), ("used", "housing")):
        receipt = ingest_evidence(
            actor=reviewer, stage=S.MOVE_IN, kind="self_funds_receipt", household=h, description="演示材料（系统生成）",
            upload=b.files.upload("self_funds_receipt", [f"户编号 {h.number}  自筹资金{'收取' if kind == 'received' else '使用'}",
                                                         f"{amount:,.2f} 元"],
                                  [f"household {h.number}", f"{kind} {amount}"], f"self-funds-{kind}-{h.number}"))
        b.evidence += 1
        b.run(h, "户自筹资金", site_funds.record_self_funds, actor=reviewer, kind=kind, amount=amount,
              entry_date=b.today, voucher=receipt, purpose=purpose)


def _demolition(b: _Build, chosen):
    """拆旧复垦: the township records demolition and the reclaimed area and names the follow-up
    officer; natural resources accepts. One household keeps its old house with county approval
    (seed 002: no one-size-fits-all demolition)."""
    natres = b.county(stages.NATURAL_RESOURCES)
    kept = chosen["follow_up_kept"]
    follow_up = chosen["follow_up"] + kept
    for h in kept:
        b.run(
            h, "demolition_exemption", service.approve_demolition_exemption,
            actor=b.county(stages.COUNTY_OFFICE), reason=KeptHouseReason.HERITAGE,
            opinion="乡镇申请：该户旧房为木结构吊脚楼传统民居，具有保护价值。经县级核查，同意保留旧房，不予拆除。",
        )
    recorded = chosen["demolition"][:1] + follow_up
    for h in recorded:
        changes = {"follow_up_officer": b.reviewer(h).pk}
        if h in kept:
            text = "旧房经县级批准保留，不拆除；已指定后扶专干。"
        else:
            b.give(h, S.DEMOLITION, b.reviewer(h), "before_demolition_photo", "after_demolition_photo")
            # The homestead in mu (1 亩 = 666.67 m²), as measured at reclamation.
            homestead = h.homestead_area or Decimal("120")
            mu = (homestead / Decimal("666.67")).quantize(Decimal("0.01"))
            changes["reclaimed_area_mu"] = max(Decimal("0.01"), mu)
            text = "旧房已拆除，宅基地已复垦，复垦面积已录入；已指定后扶专干。"
        b.approve(h, "demolition_record", b.reviewer(h), text, changes=changes)
    for h in follow_up:
        b.approve(h, "reclamation_acceptance", natres, "经现场核验，宅基地复垦合格，节余指标已登记。"
                  if h not in kept else "旧房经批准保留，核验属实。")


def _level_records(b: _Build):
    """The levels' own records (archive: 村·台账, 乡·审核 and 拆旧验收, 县·对象审定, 资金 and 增减挂钩),
    each over the period of what it lists, so the demo archive has every level."""
    county = AdminArea.objects.get(code=COUNTY[0])
    townships = list(AdminArea.objects.filter(parent=county).order_by("code"))
    villages = list(AdminArea.objects.filter(parent__in=townships).order_by("code"))
    for record_ in LEVEL_RECORDS.values():
        areas = {county.level: [county], AreaLevel.TOWNSHIP: townships, AreaLevel.VILLAGE: villages}[record_.level]
        for area in areas:
            first = _first_record(record_, area)
            if first is None:
                continue
            date_from = first
            if check_request(record_.code, area, date_from, b.today):
                continue
            if area == county:
                actor = b.county(stages.COUNTY_OFFICE)
            elif area.level == AreaLevel.VILLAGE:
                actor = b.user(stages.CLERK, area.code)  # the village clerk keeps the village's ledger
            else:
                actor = b.user(stages.REVIEWER, area.code)
            generate_document(record_.code, actor=actor, area=area, date_from=date_from, date_to=b.today)


def _first_record(record_, area):
    """The day what the record lists begins in the area: its first approval, ledger entry or opinion."""
    prefix = area.code[: PREFIX_LENGTH[area.level]]

    def day(moment):
        return timezone.localtime(moment).date() if moment else None

    if record_.step:
        return day(Opinion.objects.filter(step=record_.step, decision=Decision.APPROVE, area_code__startswith=prefix)
                   .aggregate(first=Min("created_at"))["first"])
    if record_.code == FUNDS_LEDGER.code:
        dates = [FundEntry.objects.filter(site__area_code__startswith=prefix).aggregate(d=Min("entry_date"))["d"],
                 SelfFundEntry.objects.filter(household__area_code__startswith=prefix)
                 .aggregate(d=Min("entry_date"))["d"]]
        dates = [d for d in dates if d is not None]
        return min(dates) if dates else None
    return day(Opinion.objects.filter(area_code__startswith=prefix).aggregate(first=Min("created_at"))["first"])


# --- what the county shows ------------------------------------------------------------------

@dataclass
class CountyState:
    stages: list[tuple[str, int]]  # (Chinese label, households), in the order of the stage table
    notes: list[str]


def county_state() -> CountyState:
    households = Household.objects.filter(area_code__startswith=PREFIX)
    counts = dict(households.order_by().values_list("stage").annotate(n=Count("id")))
    rows = [(S(code).label, counts.get(code, 0)) for code in [*stages.ORDER, S.REMOVED]]
    rows.append(("合计", sum(counts.values())))

    current = Opinion.objects.filter(household__area_code__startswith=PREFIX, household__stage=F("stage"),
                                     round=F("household__stage_round"), decision=Decision.APPROVE)
    surveyed = current.filter(stage=S.APPROVAL, step="township_review").values("household").distinct().count()
    in_approval = counts.get(S.APPROVAL, 0)
    partly = current.filter(stage=S.ACCEPTANCE).values("household").distinct().count()
    today = timezone.localdate()
    notices = NoticeBatch.objects.filter(area_code__startswith=PREFIX)
    running = notices.filter(posted_on__lte=today, ends_on__gte=today).count()
    open_objections = Objection.objects.filter(batch__area_code__startswith=PREFIX,
                                               status=ObjectionStatus.OPEN).count()
    returned = (Opinion.objects.filter(area_code__startswith=PREFIX, decision=Decision.RETURN)
                .values("household").distinct().count())
    failed = AuditEvent.objects.filter(area_code__startswith=PREFIX, action="document.render_failed").count()
    notes = [
        f"审核：待乡镇审核 {in_approval - surveyed} 户，乡镇已审核、待县级审批 {surveyed} 户",
        f"验收：联合验收已部分签署 {partly} 户",
        f"公示批次：进行中 {running} 个，已结束 {notices.filter(ends_on__lt=today).count()} 个；待处理异议 {open_objections} 件",
        f"被退回（附退回意见）{returned} 户",
        f"佐证材料 {Evidence.objects.filter(area_code__startswith=PREFIX).count()} 件，"
        f"文书 {Document.objects.filter(area_code__startswith=PREFIX).count()} 份，文书生成失败记录 {failed} 条",
    ]
    sites = ResettlementSite.objects.filter(code__in=[s[0] for s in SITES]).order_by("code")
    notes.append("安置点：" + "；".join(f"{s.name}（{s.get_stage_display()}）" for s in sites))
    return CountyState(rows, notes)
