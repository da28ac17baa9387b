"""The site lifecycle's documents (issue 5), registered with the documents engine at import
(workflows/apps.py imports this module):

    选址意见 · 方案会审表 · 方案批复 · 开工报告 · 竣工验收单（含配套设施） · 交付清单 · 资金到位及拨付情况表

The 文号 words all start with 安置点 (安置点开工, 安置点验收 …): a number is unique across types,
and the households' forms already use 开工 and 验收.

Each builder reads what it prints from the database when it runs, after the move that calls for
it has committed: the paper says what was recorded. Internal documents: household heads are
named, no ID number is printed.

    render_site_document("site_acceptance_form", actor_id=7, site_id=3)
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.utils import timezone

from documents.models import Evidence, EvidenceKind
from documents.services import generate_document
from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date
from registry.models import ResettlementSite
from registry.models import SiteStage as T
from registry.people import display_name
from registry.roles import ROLES
from workflows.models.households import Decision
from workflows.models.sites import FundEntry, FundKind, FundSource, SiteOpinion, UnitAllocation
from workflows.sites import stages as site_stages
from workflows.sites.funds import funds_position

TWO = Decimal("0.01")


def number(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value.quantize(TWO)}"


def money(value) -> str:
    return f"{Decimal(value or 0).quantize(TWO, ROUND_HALF_UP):,}"


def person_name(user) -> str:
    return display_name(user)


def signature(opinion) -> dict:
    if opinion is None:
        return {"opinion": "", "signer": "", "signed_at": "", "decision": ""}
    return {
        "opinion": opinion.text,
        "signer": person_name(opinion.actor),
        "signed_at": chinese_date(timezone.localtime(opinion.created_at).date()),
        "decision": opinion.get_decision_display(),
    }


def round_opinions(site, stage: str, round_: int | None = None) -> dict:
    """The opinions of one round of a stage (default: its last round), by step; the latest wins."""
    if round_ is None:
        round_ = SiteOpinion.objects.filter(site=site, stage=stage).aggregate(n=Max("round"))["n"]
    opinions = (SiteOpinion.objects.filter(site=site, stage=stage, round=round_)
                .exclude(decision=Decision.REQUEST).select_related("actor").order_by("id"))
    return {o.step: o for o in opinions}


def papers(site, kinds) -> list[dict]:
    """Which of the named evidence kinds are on file for the site, with how many items."""
    counts = {}
    for kind in Evidence.objects.filter(site=site, withdrawn_at__isnull=True, kind__in=kinds).values_list(
            "kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return [{"label": EvidenceKind(k).label, "count": counts.get(k, 0), "on_file": counts.get(k, 0) > 0}
            for k in kinds]


def site_data(site: ResettlementSite) -> dict:
    project = getattr(site, "project", None)
    path = area_path(site.area_code)
    return {
        "name": site.name,
        "code": site.code,
        "kind": site.get_kind_display(),
        "location": site.location,
        "place": path["county"] + (path["township"] if site.area_code[6:9] != "000" else ""),
        "county": path["county"],
        "planned_units": site.planned_units,
        "planned_persons": site.planned_persons,
        "planned_funds": money(site.planned_funds),
        "start_by": chinese_date(project.start_by) if project else "",
        "structure_by": chinese_date(project.structure_by) if project else "",
        "handover_by": chinese_date(project.handover_by) if project else "",
    }


def _site(subject: Subject) -> ResettlementSite:
    return ResettlementSite.objects.select_related("area", "project", "project__follow_up_officer").get(
        pk=subject.site.pk)


# 选址意见 ------------------------------------------------------------------------------------

def selection_opinion_context(subject: Subject, *, public: bool) -> dict:
    site = _site(subject)
    opinions = round_opinions(site, T.SELECTION)
    return {
        "site": site_data(site),
        "opinion": signature(opinions.get("selection_opinion")),
        "papers": papers(site, site_stages.SELECTION_PAPERS),
    }


SELECTION_OPINION = register(DocumentSpec(
    code="site_selection_opinion",
    label="选址意见",
    number_word="安置点选址",
    template="documents/pdf/site_selection_opinion.html",
    version="1",
    build_context=selection_opinion_context,
    title=lambda subject: f"关于{subject.site.name}选址的意见",
))


# 方案会审表 ----------------------------------------------------------------------------------

def joint_review_context(subject: Subject, *, public: bool, round: int | None = None) -> dict:
    site = _site(subject)
    opinions = round_opinions(site, T.PLAN_APPROVAL, round)
    seats = []
    # The configured bureaus, then anyone else who signed in that round (a changed configuration).
    roles = list(site_stages.joint_review_roles())
    roles += [r for r, step in site_stages.JOINT_REVIEW_STEPS.items() if step.code in opinions and r not in roles]
    for role in roles:
        step = site_stages.JOINT_REVIEW_STEPS[role]
        seats.append({"bureau": ROLES[role].label, **signature(opinions.get(step.code))})
    returned = any(o.decision == Decision.RETURN for o in opinions.values())
    approved = all(s["decision"] == "同意" for s in seats)
    return {
        "site": site_data(site),
        "seats": seats,
        "papers": papers(site, site_stages.PLAN_PACKAGE),
        "round": _review_ordinal(site, round or max([o.round for o in opinions.values()] or [0])),
        "conclusion": ("退回修改：会审意见见上，修改完善后重新报送会审。" if returned
                       else "各成员单位一致同意，予以批复。" if approved else "会审尚未完成。"),
    }


def _review_ordinal(site, round_: int) -> int:
    """Rounds count across stages; officials read 第N次会审 of this site's review."""
    earlier = (SiteOpinion.objects.filter(site=site, stage=T.PLAN_APPROVAL, round__lt=round_)
               .values("round").distinct().count())
    return earlier + 1


JOINT_REVIEW = register(DocumentSpec(
    code="site_joint_review",
    label="方案会审表",
    number_word="安置点会审",
    template="documents/pdf/site_joint_review.html",
    version="1",
    build_context=joint_review_context,
    title=lambda subject: "易地扶贫搬迁安置点实施方案集中会审表",
    options=("round",),
))


# 方案批复 ------------------------------------------------------------------------------------

def plan_approval_context(subject: Subject, *, public: bool, round: int | None = None) -> dict:
    site = _site(subject)
    opinions = round_opinions(site, T.PLAN_APPROVAL, round)
    bureaus = [ROLES[r].label for r, s in site_stages.JOINT_REVIEW_STEPS.items()
               if s.code in opinions and opinions[s.code].decision == Decision.APPROVE]
    last = max(opinions.values(), key=lambda o: o.created_at, default=None)
    return {
        "site": site_data(site),
        "bureaus": "、".join(bureaus),
        "reviewed_on": chinese_date(timezone.localtime(last.created_at).date()) if last else "",
        "plans": [p["label"] for p in papers(site, site_stages.PLAN_PACKAGE)],
        "max_area_per_person": number(Decimal(str(settings.POLICY_MAX_FLOOR_AREA_PER_PERSON))),
        "max_self_funding": money(settings.POLICY_MAX_SELF_FUNDING),
    }


PLAN_APPROVAL = register(DocumentSpec(
    code="site_plan_approval",
    label="方案批复",
    number_word="安置点批复",
    template="documents/pdf/site_plan_approval.html",
    version="1",
    build_context=plan_approval_context,
    title=lambda subject: f"关于{subject.site.name}建设实施方案的批复",
    options=("round",),
))


# 开工报告 ------------------------------------------------------------------------------------

def construction_report_context(subject: Subject, *, public: bool) -> dict:
    site = _site(subject)
    project = site.project
    opinions = round_opinions(site, T.TENDER)
    return {
        "site": site_data(site),
        "contractor": project.contractor,
        "contract_amount": money(project.contract_amount),
        "tender": (f"依法可不招标（{project.tender_exempt_reason}）" if project.tender_exempt else "公开招标"),
        "papers": papers(site, ((() if project.tender_exempt else (site_stages.TENDER_DOCUMENTS,))
                                + ("construction_contract", "drawing_review_certificate", "construction_permit"))),
        "recorded": signature(opinions.get("tender_record")),
        "checked": signature(opinions.get("permit_check")),
    }


CONSTRUCTION_REPORT = register(DocumentSpec(
    code="site_construction_report",
    label="开工报告",
    number_word="安置点开工",
    template="documents/pdf/site_construction_report.html",
    version="1",
    build_context=construction_report_context,
    title=lambda subject: "易地扶贫搬迁安置点开工报告",
))


# 竣工验收单（含配套设施同步验收） -------------------------------------------------------------

def acceptance_form_context(subject: Subject, *, public: bool) -> dict:
    site = _site(subject)
    opinions = round_opinions(site, T.ACCEPTANCE)
    facilities = site.project.facilities or []
    return {
        "site": site_data(site),
        "facilities": facilities,
        "all_accepted": bool(facilities) and all(f.get("result") == "合格" for f in facilities),
        "papers": papers(site, ("completion_acceptance_report", "facilities_acceptance_report",
                                "settlement_audit_report")),
        "housing": signature(opinions.get("completion_acceptance")),
        "office": signature(opinions.get("acceptance_confirmation")),
    }


ACCEPTANCE_FORM = register(DocumentSpec(
    code="site_acceptance_form",
    label="安置点竣工验收单",
    number_word="安置点验收",
    template="documents/pdf/site_acceptance_form.html",
    version="1",
    build_context=acceptance_form_context,
    title=lambda subject: "易地扶贫搬迁安置点竣工验收单",
))


# 交付清单 ------------------------------------------------------------------------------------

def handover_list_context(subject: Subject, *, public: bool) -> dict:
    site = _site(subject)
    project = site.project
    rows = []
    allocations = (UnitAllocation.objects.filter(site=site).select_related("household")
                   .prefetch_related("household__members").order_by("unit"))
    for a in allocations:
        head = a.household.head
        rows.append({"unit": a.unit, "number": a.household.number, "head": head.name if head else "",
                     "size": len(a.household.members.all()), "method": a.get_method_display(),
                     "allocated_on": chinese_date(a.allocated_on)})
    opinions = round_opinions(site, T.HANDOVER)
    return {
        "site": site_data(site),
        "rows": rows,
        "persons": sum(r["size"] for r in rows),
        "facilities": project.facilities or [],
        "leading_industry": project.leading_industry,
        "service_centre": project.service_centre,
        "follow_up_officer": person_name(project.follow_up_officer),
        "handed_over": signature(opinions.get("handover_record")),
    }


HANDOVER_LIST = register(DocumentSpec(
    code="site_handover_list",
    label="交付清单",
    number_word="安置点交付",
    template="documents/pdf/site_handover_list.html",
    version="1",
    build_context=handover_list_context,
    title=lambda subject: f"{subject.site.name}交付清单",
))


# 资金到位及拨付情况表 ------------------------------------------------------------------------

def funds_statement_context(subject: Subject, *, public: bool) -> dict:
    site = _site(subject)
    position = funds_position(site)
    entries = FundEntry.objects.filter(site=site).order_by("entry_date", "id")
    by_source = (entries.filter(kind=FundKind.ARRIVAL).values("source").annotate(total=Sum("amount"))
                 .order_by("source"))
    return {
        "site": site_data(site),
        "position": {
            **{k: money(v) for k, v in position.as_dict().items()},
            "percent": number(position.percent),
            "advance_share": f"{number(position.advance_share * 100)}%",
            "arrival_rate": number(position.arrival_rate),
        },
        "by_source": [{"source": FundSource(r["source"]).label if r["source"] else "", "total": money(r["total"])}
                      for r in by_source],
        "entries": [{"date": chinese_date(e.entry_date), "kind": e.get_kind_display(),
                     "party": e.get_source_display() if e.kind == FundKind.ARRIVAL else e.payee,
                     "purpose": e.purpose, "amount": money(e.amount),
                     "progress": number(e.progress_percent) if e.progress_percent is not None else ""}
                    for e in entries],
        "as_of": chinese_date(timezone.localdate()),
    }


FUNDS_STATEMENT = register(DocumentSpec(
    code="site_funds_statement",
    label="资金到位及拨付情况表",
    number_word="安置点资金",
    template="documents/pdf/site_funds_statement.html",
    version="1",
    build_context=funds_statement_context,
    title=lambda subject: f"{subject.site.name}资金到位及拨付情况表",
))

SITE_DOCUMENT_TYPES = [s.code for s in (SELECTION_OPINION, JOINT_REVIEW, PLAN_APPROVAL, CONSTRUCTION_REPORT,
                                        ACCEPTANCE_FORM, HANDOVER_LIST, FUNDS_STATEMENT)]


def render_site_document(kind: str, *, actor_id: int | None, site_id: int, **options):
    """Generate `kind` for the site. `actor_id` None is the system; otherwise the official who moved
    the site, whose right to generate documents for it the engine checks again."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    site = ResettlementSite.objects.get(pk=site_id)
    return generate_document(kind, actor=actor, site=site, **options)
