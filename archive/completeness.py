"""Completeness (what a re-inspection team asks first): for the households and sites in scope, the
required evidence kinds and documents of every stage they have passed (workflows.stages and
workflows.site_stages say which) that are not in the archive.

The stage table is the same for every household; what differs by 安置方式 is added here:
- a centralised household (集中安置) lives in a unit of its site: once it has passed 验收 its
  分房记录 must be in its file (workflows.site_allocation: no 入住 without it), and its dwelling's
  acceptance is the site's — the site's 竣工验收报告 and 配套设施验收报告 must be in the site file
  ("集中安置点配套设施应与安置住房同步验收", seed 002);
- a scattered household (分散安置) builds its own house: its own 开工照片 and 验收现场照片 (the
  table's) are its build evidence, nothing of a site stands in for them.
The exemptions the lifecycle grants are honoured as the FSM honours them: a kept old house
(county-approved) has no demolition photos; a site below the tendering threshold no tender papers.
"""

from dataclasses import dataclass, field

from documents.models import EvidenceKind
from documents.types import label_of
from registry.models import Household, HouseholdStage, ResettlementMode, ResettlementSite
from workflows import site_stages, stages
from workflows.conditions import DEMOLITION_PHOTOS

from .models import ArchiveItem

# Extra items per 安置方式: {mode: {stage passed: (evidence kinds of the household)}}.
MODE_EVIDENCE = {
    ResettlementMode.CENTRALISED: {HouseholdStage.ACCEPTANCE: ("unit_allocation_record",)},
    ResettlementMode.SCATTERED: {},
}
# What a centralised household's passed 验收 needs in its site's file.
SITE_ACCEPTANCE_PAPERS = ("completion_acceptance_report", "facilities_acceptance_report")


@dataclass
class Gap:
    subject: object  # a Household or a ResettlementSite
    stage_label: str
    missing: list[str] = field(default_factory=list)  # Chinese labels of the missing items
    codes: list[str] = field(default_factory=list)


def _passed(table, current: str):
    codes = [stage.code for stage in table]
    if current not in codes:
        return []
    return list(table[: codes.index(current)])


def _filed(items) -> tuple[set[str], set[str]]:
    kinds, doc_types = set(), set()
    for kind, doc_type in items.values_list("evidence__kind", "document_version__document__doc_type"):
        if kind:
            kinds.add(kind)
        if doc_type:
            doc_types.add(doc_type)
    return kinds, doc_types


def _kind_label(kind: str) -> str:
    return EvidenceKind(kind).label if kind in EvidenceKind.values else kind


def _gaps_for(subject, table, items, *, extra=None, skip=()) -> list[Gap]:
    """`extra`: {stage code: [(code, label, present?)]} added to the table's; `skip`: kinds exempted."""
    kinds, doc_types = _filed(items)
    gaps = []
    for stage in _passed(table, subject.stage):
        gap = Gap(subject=subject, stage_label=stage.label)
        for kind in stage.all_evidence:
            if kind not in kinds and kind not in skip:
                gap.codes.append(kind)
                gap.missing.append(_kind_label(kind))
        for doc_type in stage.documents:
            if doc_type not in doc_types:
                gap.codes.append(doc_type)
                gap.missing.append(label_of(doc_type))
        for code, label, present in (extra or {}).get(stage.code, ()):
            if not present(kinds):
                gap.codes.append(code)
                gap.missing.append(label)
        if gap.missing:
            gaps.append(gap)
    return gaps


def _site_kinds(site_id) -> set[str]:
    if site_id is None:
        return set()
    return set(ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__site_id=site_id)
               .values_list("evidence__kind", flat=True))


def _household_extra(household) -> dict:
    extra: dict[str, list] = {}
    for stage_code, kinds in MODE_EVIDENCE.get(household.resettlement_mode, {}).items():
        for kind in kinds:
            extra.setdefault(stage_code, []).append((kind, _kind_label(kind), lambda filed, k=kind: k in filed))
    if household.resettlement_mode == ResettlementMode.CENTRALISED:
        at_site = _site_kinds(household.site_id)
        for kind in SITE_ACCEPTANCE_PAPERS:
            extra.setdefault(HouseholdStage.ACCEPTANCE, []).append(
                (f"site:{kind}", f"安置点{_kind_label(kind)}", lambda filed, k=kind: k in at_site))
    return extra


def household_gaps(household) -> list[Gap]:
    items = ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__household=household) | \
        ArchiveItem.objects.filter(document_version__document__households=household)
    skip = DEMOLITION_PHOTOS if household.old_house_kept else ()
    return _gaps_for(household, stages.HOUSEHOLD_STAGES, items, extra=_household_extra(household), skip=skip)


def site_gaps(site) -> list[Gap]:
    items = ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__site=site) | \
        ArchiveItem.objects.filter(document_version__document__site=site)
    project = getattr(site, "project", None)
    skip = (site_stages.TENDER_DOCUMENTS,) if project is not None and project.tender_exempt else ()
    return _gaps_for(site, site_stages.SITE_STAGES, items, skip=skip)


def report(user, *, area_code: str = "") -> list[Gap]:
    """Gaps of every household and site the user reads (under `area_code` when given)."""
    households = Household.objects.visible_to(user).order_by("number")
    sites = ResettlementSite.objects.visible_to(user).order_by("code")
    if area_code:
        households = households.filter(area_code__startswith=area_code)
        sites = sites.filter(area_code__startswith=area_code)
    gaps = []
    for household in households:
        gaps.extend(household_gaps(household))
    for site in sites.select_related("project"):
        gaps.extend(site_gaps(site))
    return gaps

