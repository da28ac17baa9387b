"""Completeness (what a re-inspection team asks first): for the households and sites in scope, the
required evidence kinds and documents of every stage they have passed (workflows.stages and
workflows.site_stages say which) that are not in the archive."""

from dataclasses import dataclass, field

from documents.models import EvidenceKind
from documents.types import label_of
from registry.models import Household, ResettlementSite
from workflows import site_stages, stages

from .models import ArchiveItem


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


def _gaps_for(subject, table, items) -> list[Gap]:
    kinds, doc_types = _filed(items)
    gaps = []
    for stage in _passed(table, subject.stage):
        gap = Gap(subject=subject, stage_label=stage.label)
        for kind in stage.all_evidence:
            if kind not in kinds:
                gap.codes.append(kind)
                gap.missing.append(EvidenceKind(kind).label if kind in EvidenceKind.values else kind)
        for doc_type in stage.documents:
            if doc_type not in doc_types:
                gap.codes.append(doc_type)
                gap.missing.append(label_of(doc_type))
        if gap.missing:
            gaps.append(gap)
    return gaps


def household_gaps(household) -> list[Gap]:
    items = ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__household=household) | \
        ArchiveItem.objects.filter(document_version__document__households=household)
    return _gaps_for(household, stages.HOUSEHOLD_STAGES, items)


def site_gaps(site) -> list[Gap]:
    items = ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__site=site) | \
        ArchiveItem.objects.filter(document_version__document__site=site)
    return _gaps_for(site, site_stages.SITE_STAGES, items)


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
    for site in sites:
        gaps.extend(site_gaps(site))
    return gaps
