"""The completeness report: a walked household is complete; an item removed behind the
application's back is named, on the page and in the Excel sheet; the report is scoped."""

import io

from openpyxl import load_workbook

from archive.completeness import household_gaps
from archive.models import ArchiveItem
from documents.evidence.services import ingest_evidence
from tests.factories import HouseholdFactory, SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_documents import walk


def test_a_walked_household_lacks_nothing_and_a_removed_item_is_found(
        client, named, give, areas, family, django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    family = type(family).objects.get(pk=family.pk)
    assert family.stage == "follow_up" and household_gaps(family) == []

    # Behind the application's back: the filed 签字搬迁协议 vanishes from the archive.
    ArchiveItem.objects.filter(evidence__household=family, evidence__kind="signed_agreement").delete()
    gaps = household_gaps(family)
    assert [(g.stage_label, g.codes) for g in gaps] == [("开工", ["signed_agreement"])]

    client.force_login(named["reviewer"])
    page = client.get("/archive/completeness/").content.decode()
    assert family.number in page and "签字搬迁协议" in page
    sheet = load_workbook(io.BytesIO(client.get("/archive/completeness/?format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("类型", "搬迁户编号/安置点", "安置方式", "区划代码", "已过阶段", "缺少的材料")
    assert ["搬迁户", family.number, "分散安置", "开工", "签字搬迁协议"] in [[r[0], r[1], r[2], r[4], r[5]] for r in rows]

    client.force_login(named["clerk_b"])
    assert family.number not in client.get("/archive/completeness/").content.decode()


def _at_stage(household, stage):
    type(household).objects.filter(pk=household.pk).update(stage=stage)
    return type(household).objects.get(pk=household.pk)


def test_a_centralised_household_past_acceptance_needs_its_unit_allocation_and_its_sites_acceptance(areas, db):
    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    centralised = _at_stage(HouseholdFactory(village=areas["village_a"], resettlement_mode="centralised", site=site,
                                             scattered_location=""), "move_in")
    scattered = _at_stage(HouseholdFactory(village=areas["village_a"]), "move_in")
    assert scattered.resettlement_mode == "scattered"

    def codes(household):
        return {code for gap in household_gaps(household) for code in gap.codes}

    assert {"unit_allocation_record", "site:completion_acceptance_report",
            "site:facilities_acceptance_report"} <= codes(centralised)
    assert "unit_allocation_record" not in codes(scattered)
    assert not any(code.startswith("site:") for code in codes(scattered))
    # Both build evidence of their own dwelling's start and acceptance come from the stage table.
    assert {"construction_photo", "inspection_photo"} <= codes(scattered)


def test_a_centralised_households_allocation_and_site_papers_on_file_close_the_gap(areas, give, officials, db):
    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    household = _at_stage(HouseholdFactory(village=areas["village_a"], resettlement_mode="centralised", site=site,
                                           scattered_location=""), "move_in")
    give(household, "unit_allocation_record")
    for kind in ("completion_acceptance_report", "facilities_acceptance_report"):
        ingest_evidence(actor=officials["county_office"], upload=upload(f"{kind}.png"), stage="acceptance",
                        kind=kind, site=site)
    codes = {code for gap in household_gaps(household) for code in gap.codes}
    assert not {"unit_allocation_record", "site:completion_acceptance_report",
                "site:facilities_acceptance_report"} & codes


def test_a_kept_old_house_needs_no_demolition_photos(areas, db):
    household = _at_stage(HouseholdFactory(village=areas["village_a"]), "follow_up")
    assert "before_demolition_photo" in {c for g in household_gaps(household) for c in g.codes}
    type(household).objects.filter(pk=household.pk).update(old_house_kept=True, old_house_kept_reason="heritage")
    household = type(household).objects.get(pk=household.pk)
    codes = {c for g in household_gaps(household) for c in g.codes}
    assert "before_demolition_photo" not in codes and "after_demolition_photo" not in codes


def test_the_report_for_one_site_names_its_missing_papers_and_is_scoped(client, officials, areas, db):
    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    type(site).objects.filter(pk=site.pk).update(stage="plan_approval")
    client.force_login(officials["county_office"])
    page = client.get(f"/archive/completeness/?site={site.pk}").content.decode()
    assert "幸福家园安置点" in page and "选址论证报告" in page and "地质灾害危险性评估报告" in page
    client.force_login(officials["clerk_b"])
    assert client.get(f"/archive/completeness/?site={site.pk}").status_code == 404


def test_the_excel_sheet_is_an_audit_event_and_a_typed_formula_stays_text(client, officials, areas, db):
    from audit.models import AuditEvent

    site = SiteFactory(area=areas["county"], name='=HYPERLINK("http://example.invalid","核查")')
    type(site).objects.filter(pk=site.pk).update(stage="plan_approval")
    client.force_login(officials["county_office"])
    response = client.get(f"/archive/completeness/?site={site.pk}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    event = AuditEvent.objects.get(action="archive.completeness_export")
    assert event.actor_username == "county_office" and event.data["site"] == site.pk and event.data["rows"] == 1
