"""Completeness (what a re-inspection team asks first): for the households and sites in scope, the
required evidence kinds and documents of every stage they have passed (workflows.households.stages and
workflows.sites.stages say which) that are not in the archive.

The stage table is the same for every household; what differs by 安置方式 is added here:
- a centralised household (集中安置) lives in a unit of its site: once it has passed 验收 its
  分房记录 must be in its file (workflows.sites.allocation: no 入住 without it), and its dwelling's
  acceptance is the site's — the site's 竣工验收报告 and 配套设施验收报告 must be in the site file
  ("集中安置点配套设施应与安置住房同步验收", seed 002);
- a scattered household (分散安置) builds its own house: its own 开工照片 and 验收现场照片 (the
  table's) are its build evidence, nothing of a site stands in for them.
The exemptions the lifecycle grants are honoured as the FSM honours them: a kept old house
(county-approved) has no demolition photos; a site below the tendering threshold no tender papers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from documents.models import kind_label
from documents.spreadsheets import append_row, fit_columns
from documents.types import label_of
from registry.models import Household, HouseholdStage, ResettlementMode, ResettlementSite
from workflows.households import stages
from workflows.households.conditions import DEMOLITION_PHOTOS
from workflows.sites import stages as site_stages

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


def _gaps_for(subject, table, kinds: set[str], doc_types: set[str], *, extra=None, skip=()) -> list[Gap]:
    """`kinds`/`doc_types`: what is filed; `extra`: {stage code: [(code, label, present?)]} added to
    the table's; `skip`: kinds exempted."""
    gaps = []
    for stage in _passed(table, subject.stage):
        gap = Gap(subject=subject, stage_label=stage.label)
        for kind in stage.all_evidence:
            if kind not in kinds and kind not in skip:
                gap.codes.append(kind)
                gap.missing.append(kind_label(kind))
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


CHUNK = 500  # households per query (SQLite's parameter limit; bounded memory on a county)


def _chunks(rows):
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


def _site_kinds(site_ids) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    ids = [i for i in set(site_ids) if i is not None]
    for chunk in _chunks(ids):
        rows = (ArchiveItem.objects.filter(evidence__withdrawn_at__isnull=True, evidence__site_id__in=chunk)
                .values_list("evidence__site_id", "evidence__kind"))
        for site_id, kind in rows:
            found[site_id].add(kind)
    return found


def _household_extra(household, site_kinds: dict[int, set[str]]) -> dict:
    extra: dict[str, list] = {}
    for stage_code, kinds in MODE_EVIDENCE.get(household.resettlement_mode, {}).items():
        for kind in kinds:
            extra.setdefault(stage_code, []).append((kind, kind_label(kind), lambda filed, k=kind: k in filed))
    if household.resettlement_mode == ResettlementMode.CENTRALISED:
        at_site = site_kinds.get(household.site_id, set())
        for kind in SITE_ACCEPTANCE_PAPERS:
            extra.setdefault(HouseholdStage.ACCEPTANCE, []).append(
                (f"site:{kind}", f"安置点{kind_label(kind)}", lambda filed, k=kind: k in at_site))
    return extra


def households_gaps(households) -> list[Gap]:
    """Gaps of many households in a few queries per 500 (not three per household)."""
    gaps = []
    for chunk in _chunks(list(households)):
        ids = [h.pk for h in chunk]
        kinds: dict[int, set[str]] = defaultdict(set)
        doc_types: dict[int, set[str]] = defaultdict(set)
        for household_id, kind in (ArchiveItem.objects
                                   .filter(evidence__withdrawn_at__isnull=True, evidence__household_id__in=ids)
                                   .values_list("evidence__household_id", "evidence__kind")):
            kinds[household_id].add(kind)
        for household_id, doc_type in (ArchiveItem.objects.filter(document_version__document__households__in=ids)
                                       .values_list("document_version__document__households",
                                                    "document_version__document__doc_type")):
            doc_types[household_id].add(doc_type)
        site_kinds = _site_kinds(h.site_id for h in chunk if h.resettlement_mode == ResettlementMode.CENTRALISED)
        for household in chunk:
            skip = DEMOLITION_PHOTOS if household.old_house_kept else ()
            gaps += _gaps_for(household, stages.HOUSEHOLD_STAGES, kinds[household.pk], doc_types[household.pk],
                              extra=_household_extra(household, site_kinds), skip=skip)
    return gaps


def household_gaps(household) -> list[Gap]:
    return households_gaps([household])


def site_gaps(site) -> list[Gap]:
    kinds = _site_kinds([site.pk])[site.pk]
    doc_types = set(ArchiveItem.objects.filter(document_version__document__site=site)
                    .values_list("document_version__document__doc_type", flat=True))
    project = getattr(site, "project", None)
    skip = (site_stages.TENDER_DOCUMENTS,) if project is not None and project.tender_exempt else ()
    return _gaps_for(site, site_stages.SITE_STAGES, kinds, doc_types, skip=skip)


def scoped_households(user, area_code: str = ""):
    """The households of the report: those the user reads, under `area_code` when given."""
    households = Household.objects.visible_to(user).order_by("number")
    return households.filter(area_code__startswith=area_code) if area_code else households


def report(user, *, area_code: str = "", progress=None) -> list[Gap]:
    """Gaps of every household and site the user reads (under `area_code` when given). `progress`
    (done, total) is told after each chunk of households, for a report built in the background."""
    households = scoped_households(user, area_code)
    sites = ResettlementSite.objects.visible_to(user).order_by("code")
    if area_code:
        sites = sites.filter(area_code__startswith=area_code)
    if progress is None:
        gaps = households_gaps(households)
    else:
        ids = list(households.values_list("pk", flat=True))
        gaps = []
        for start in range(0, len(ids), CHUNK):
            gaps += households_gaps(Household.objects.filter(pk__in=ids[start:start + CHUNK]).order_by("number"))
            progress(min(start + CHUNK, len(ids)), len(ids))
    for site in sites.select_related("project"):
        gaps.extend(site_gaps(site))
    return gaps


GAP_HEADER = ["类型", "搬迁户编号/安置点", "安置方式", "区划代码", "已过阶段", "缺少的材料"]


def gap_rows(gaps):
    """What the page and the Excel show of each gap."""
    for gap in gaps:
        subject = gap.subject
        is_site = isinstance(subject, ResettlementSite)
        yield {
            "kind": "安置点" if is_site else "搬迁户",
            "name": subject.name if is_site else subject.number,
            "mode": "" if is_site else subject.get_resettlement_mode_display(),
            "area_code": subject.area_code,
            "stage": gap.stage_label,
            "missing": "、".join(gap.missing),
        }


def write_gaps_xlsx(rows, out) -> None:
    """The report as an Excel workbook written to `out` (cells stay text: documents.spreadsheets)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "档案完整性"
    sheet.append(GAP_HEADER)
    for row in rows:
        append_row(sheet, [row[k] for k in ("kind", "name", "mode", "area_code", "stage", "missing")])
    fit_columns(sheet)
    sheet.freeze_panes = "A2"
    book.save(out)
