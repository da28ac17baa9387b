"""Resettlement across counties (跨县安置, issue 20 item 6): county A's household at county B's site.

Both counties' 县搬迁办 approve (registry/placements.py); B's officials then allocate the unit and
confirm move-in at B's site and see the household for that (registry.scope.hosted_q,
workflows.acting.HOST_ACTS), A's officials keep seeing the case and keep their own acts, and a third
county gets 404 on every URL of it. Runs on SQLite and PostgreSQL (DATABASE_URL)."""

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from documents.evidence.services import ingest_evidence
from documents.models import Document
from registry import placements, policy
from registry.models import AdminArea, AreaLevel, CrossCountyPlacement, Household, PlacementStatus, ResettlementMode
from registry.models import HouseholdStage as S
from registry.models import SiteStage as T
from registry.scope import get_household_for
from tests.conftest import make_official
from tests.factories import AreaFactory, SiteFactory
from tests.workflows.conftest import upload
from tests.workflows.test_refusals import walk_to_housing_acceptance
from tests.workflows.test_site_walk import site_officials, walk_site  # noqa: F401  (fixture)
from tests.workflows.test_walk import approve
from workflows import acting
from workflows.sites import allocation


@pytest.fixture
def open_province(settings):
    settings.POLICY_CROSS_COUNTY_PROVINCES = ["52"]


@pytest.fixture
def county_b(db):
    county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520888101000", name="河口镇", level=AreaLevel.TOWNSHIP, parent=county)
    cast = {key: make_official(f"{key}_b", role, county) for key, role in {
        "county_office": "role_county_office", "housing": "role_county_housing",
        "natres": "role_county_natural_resources", "finance": "role_county_finance", "drc": "role_county_drc",
        "auditor": "role_auditor"}.items()}
    cast["reviewer"] = make_official("reviewer_b", "role_township_reviewer", town)
    cast["leader"] = make_official("leader_b", "role_township_leader", town)
    site = SiteFactory(area=town, name="河口安置点", planned_units=40, planned_persons=160)
    return {"county": county, "town": town, "site": site, **cast}


@pytest.fixture
def county_c(db):
    county = AreaFactory(code="520777000000", name="远县", level=AreaLevel.COUNTY)
    town = AreaFactory(code="520777101000", name="远镇", level=AreaLevel.TOWNSHIP, parent=county)
    return {"county_office": make_official("county_office_c", "role_county_office", county),
            "auditor": make_official("auditor_c", "role_auditor", county),
            "reviewer": make_official("reviewer_c", "role_township_reviewer", town),
            "site": SiteFactory(area=town, name="远镇安置点", planned_units=10, planned_persons=40)}


def refused(call, code, status=400):
    with pytest.raises(placements.PlacementRefused) as caught:
        call()
    assert code in [v.code for v in caught.value.violations] and caught.value.status == status, caught.value.violations
    return caught.value


def place(household, county_b, a):
    """A's township asks, A's county office approves, B's county office approves."""
    placement = placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                             site_id=county_b["site"].pk, reason="本县无合适安置点，邻县河口安置点就业条件好")
    placements.decide_home(placement.pk, actor=a["county_office"], approve=True, opinion="同意")
    placements.decide_host(placement.pk, actor=county_b["county_office"], approve=True, opinion="同意接收")
    return CrossCountyPlacement.objects.get(pk=placement.pk)


# The approval flow ----------------------------------------------------------------------------

def test_another_countys_site_is_refused_until_both_counties_approve(open_province, county_b, site_officials,
                                                                      household):
    a, site = site_officials, county_b["site"]
    household.site, household.resettlement_mode = site, ResettlementMode.CENTRALISED
    assert "site_other_county" in [v.code for v in policy.check_resettlement_mode(household)]
    placement = placements.request_placement(actor=a["reviewer"], household_id=household.pk, site_id=site.pk,
                                             reason="邻县安置")
    assert placement.status == PlacementStatus.PENDING_HOME
    assert (placement.home_county_code, placement.host_county_code) == ("520999000000", "520888000000")
    # Asked but not approved: still refused.
    assert "site_other_county" in [v.code for v in policy.check_resettlement_mode(household)]
    refused(lambda: placements.decide_host(placement.pk, actor=county_b["county_office"], approve=True, opinion=""),
            "already_handled", 409)  # B's turn comes after A's
    refused(lambda: placements.decide_home(placement.pk, actor=a["reviewer"], approve=True, opinion=""),
            "wrong_role", 403)
    refused(lambda: placements.decide_home(placement.pk, actor=county_b["county_office"], approve=True, opinion=""),
            "wrong_role", 403)  # B reads the request (it must decide it later) but cannot sign for A
    placements.decide_home(placement.pk, actor=a["county_office"], approve=True, opinion="同意")
    refused(lambda: placements.decide_host(placement.pk, actor=a["county_office"], approve=True, opinion=""),
            "wrong_role", 403)  # A cannot approve for B
    placements.decide_host(placement.pk, actor=county_b["county_office"], approve=True, opinion="同意接收")
    household = Household.objects.select_related("site", "village").get(pk=household.pk)
    assert household.site == site and household.resettlement_mode == ResettlementMode.CENTRALISED
    assert policy.check_resettlement_mode(household) == []
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.APPROVED
    assert (placement.home_decided_by, placement.host_decided_by) == (a["county_office"], county_b["county_office"])
    actions = list(AuditEvent.objects.filter(action__startswith="household.cross_county").values_list(
        "action", "area_code"))
    assert ("household.cross_county_request", household.area_code) in actions
    assert ("household.cross_county_home_approve", household.area_code) in actions
    assert ("household.cross_county_host_approve", site.area_code) in actions  # in B's own log too


def test_the_province_setting_and_the_rules_of_a_request(settings, county_b, site_officials, household, areas):
    a = site_officials
    settings.POLICY_CROSS_COUNTY_PROVINCES = []
    refused(lambda: placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                                 site_id=county_b["site"].pk, reason="x"), "cross_county_closed")
    settings.POLICY_CROSS_COUNTY_PROVINCES = ["52"]
    own_site = SiteFactory(area=areas["county"])
    refused(lambda: placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                                 site_id=own_site.pk, reason="x"), "same_county")
    far = SiteFactory(area=AreaFactory(code="530101000000", name="外省县", level=AreaLevel.COUNTY))
    refused(lambda: placements.request_placement(actor=a["reviewer"], household_id=household.pk, site_id=far.pk,
                                                 reason="x"), "other_province")
    refused(lambda: placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                                 site_id=county_b["site"].pk, reason="  "), "reason_required")
    refused(lambda: placements.request_placement(actor=county_b["county_office"], household_id=household.pk,
                                                 site_id=county_b["site"].pk, reason="x"), "not_found", 404)
    refused(lambda: placements.request_placement(actor=a["clerk_a"], household_id=household.pk,
                                                 site_id=county_b["site"].pk, reason="x"), "wrong_role", 403)
    assert CrossCountyPlacement.objects.count() == 0 and not AuditEvent.objects.filter(
        action__startswith="household.cross_county").exists()
    placements.request_placement(actor=a["county_office"], household_id=household.pk, site_id=county_b["site"].pk,
                                 reason="x")
    refused(lambda: placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                                 site_id=county_b["site"].pk, reason="y"), "already_open")
    placement = CrossCountyPlacement.objects.get()
    refused(lambda: placements.decide_home(placement.pk, actor=a["county_office"], approve=True, opinion=""),
            "own_submission", 403)  # 审批分离
    refused(lambda: placements.decide_home(placement.pk, actor=AdminAreaOffice(areas), approve=False, opinion=""),
            "opinion_required")


def AdminAreaOffice(areas):
    return make_official("county_office_2", "role_county_office", AdminArea.objects.get(code=areas["county"].code))


def test_a_refusal_leaves_the_household_where_it_was(open_province, county_b, site_officials, household):
    a = site_officials
    placement = placements.request_placement(actor=a["reviewer"], household_id=household.pk,
                                             site_id=county_b["site"].pk, reason="x")
    placements.decide_home(placement.pk, actor=a["county_office"], approve=True, opinion="同意")
    placements.decide_host(placement.pk, actor=county_b["county_office"], approve=False, opinion="安置点已满")
    assert Household.objects.get(pk=household.pk).site_id is None
    assert CrossCountyPlacement.objects.get().status == PlacementStatus.REFUSED
    with pytest.raises(Http404):
        get_household_for(county_b["reviewer"], household.pk, hosted=True)


# Scope and acting -----------------------------------------------------------------------------

def test_b_allocates_and_confirms_move_in_a_keeps_the_case_a_third_county_sees_nothing(
        open_province, county_b, county_c, site_officials, give, areas, household, client):
    a, b, c = site_officials, county_b, county_c
    walk_site(b["site"], {**b}, to=T.HANDOVER)
    # Before approval B sees nothing of A's household.
    with pytest.raises(Http404):
        get_household_for(b["reviewer"], household.pk, hosted=True)
    place(household, b, a)
    # A keeps the case up to 入住 (its own signatures), B is not asked.
    walk_to_housing_acceptance(household, a, give, areas)
    assert Household.objects.visible_to(b["reviewer"], hosted=True).filter(pk=household.pk).exists()
    assert not Household.objects.visible_to(b["reviewer"]).filter(pk=household.pk).exists()  # home-only pages
    for official in c.values():
        if hasattr(official, "username"):
            assert not Household.objects.visible_to(official, hosted=True).filter(pk=household.pk).exists()

    # 分房 at B's site: B's township reviewer, with the record uploaded by B; not A's reviewer.
    record = ingest_evidence(actor=b["reviewer"], upload=upload("lots.png"), stage=S.ACCEPTANCE,
                             kind="unit_allocation_record", household=Household.objects.get(pk=household.pk))
    with pytest.raises(acting.NotPermitted):
        allocation.allocate_unit(household.pk, actor=a["reviewer"], unit="2栋101", method="lottery",
                                 allocated_on=timezone.localdate(), evidence=record)
    with pytest.raises(acting.OutOfScope):
        allocation.allocate_unit(household.pk, actor=c["reviewer"], unit="2栋101", method="lottery",
                                 allocated_on=timezone.localdate(), evidence=record)
    allocation.allocate_unit(household.pk, actor=b["reviewer"], unit="2栋101", method="lottery",
                             allocated_on=timezone.localdate(), evidence=record)

    # A's housing bureau signs the last acceptance: the household enters 入住.
    assert approve(household, "housing_acceptance", a["housing"], changes={"actual_floor_area": "25"}).moved_to == S.MOVE_IN
    # The 入住 task is in the queue of B's township reviewer (not C's); A's reviewer cannot take it.
    from workflows import claims, worklist

    task = worklist.queue(b["reviewer"]).filter(process__householdprocess__household=household).get()
    assert task.flow_task.name == "move_in_confirmation"
    assert not worklist.queue(c["reviewer"]).filter(process__householdprocess__household=household).exists()
    with pytest.raises(acting.NotPermitted):
        claims.claim(task.pk, actor=a["reviewer"])
    claims.claim(task.pk, actor=b["reviewer"])
    # The 入住 confirmation at B's site is B's act: A's reviewer and C's are refused.
    for kind in ("old_new_house_photo", "signed_move_in"):
        ingest_evidence(actor=b["reviewer"], upload=upload(f"{kind}.png"), stage=S.MOVE_IN, kind=kind,
                        household=Household.objects.get(pk=household.pk))
    with pytest.raises(acting.NotPermitted):
        approve(household, "move_in_confirmation", a["reviewer"])
    with pytest.raises(acting.OutOfScope):
        approve(household, "move_in_confirmation", c["reviewer"])
    assert approve(household, "move_in_confirmation", b["reviewer"]).moved_to == S.DEMOLITION
    # A keeps its own act after 入住 (拆旧复垦 at home) and keeps seeing the case.
    assert get_household_for(a["reviewer"], household.pk).stage == S.DEMOLITION
    from workflows.actions import household_actions

    codes = lambda user: {x.name for x in household_actions(user, Household.objects.get(pk=household.pk))}  # noqa: E731
    assert "demolition_record" in codes(a["reviewer"]) and "demolition_record" not in codes(b["reviewer"])

    # Both archives point to the case: A's file names where the household went, B's index names A's file.
    from archive.models import ArchiveFile

    home_file = ArchiveFile.objects.filter(household=household).first()
    assert home_file is not None and home_file.area_code == household.area_code
    client.force_login(a["county_office"])
    assert "跨县安置至河口安置点" in client.get(reverse("archive:file_detail", args=[home_file.pk])).content.decode()
    client.force_login(b["county_office"])
    index = client.get(reverse("archive:index")).content.decode()
    assert "跨县安置户索引" in index and household_number(household) in index and home_file.file_code in index
    assert client.get(reverse("archive:file_detail", args=[home_file.pk])).status_code == 404  # the file is A's
    client.force_login(c["county_office"])
    assert household_number(household) not in client.get(reverse("archive:index")).content.decode()


def test_the_pages_b_sees_and_a_third_county_gets_404_everywhere(open_province, county_b, county_c,
                                                                 site_officials, household, client):
    a, b, c = site_officials, county_b, county_c
    place(household, b, a)
    evidence = ingest_evidence(actor=b["reviewer"], upload=upload("lots.png"), stage=household.stage,
                               kind="unit_allocation_record", household=Household.objects.get(pk=household.pk))
    document = Document.objects.filter(household=household).first()
    pk = household.pk
    shared = [reverse("approvals:case", args=[pk]), reverse("household_detail", args=[pk]),
              reverse("documents:household_documents", args=[pk]), reverse("documents:evidence_detail", args=[evidence.pk]),
              reverse("documents:evidence_download", args=[evidence.pk]), reverse("aftercare:household", args=[pk])]
    home_only = [reverse("supervision:household_history", args=[pk]), reverse("archive:household_export", args=[pk]),
                 reverse("household_edit", args=[pk])]
    api = f"/api/v1/households/{pk}/"
    if document is not None:
        shared.append(reverse("documents:detail", args=[document.pk]))
    client.force_login(a["county_office"])
    for url in shared + home_only[1:]:
        assert client.get(url).status_code == 200, url
    client.force_login(b["reviewer"])
    for url in shared:
        assert client.get(url).status_code == 200, url
    for url in home_only[1:2]:
        assert client.get(url).status_code == 404, url  # A's archive is A's
    assert client.get(reverse("site_detail", args=[b["site"].pk])).status_code == 200
    assert household_number(household) in client.get(reverse("approvals:site", args=[b["site"].pk])).content.decode()
    for official in (c["county_office"], c["auditor"], c["reviewer"]):
        client.force_login(official)
        for url in shared + home_only:
            assert client.get(url).status_code == 404, (official.username, url)
        assert client.get(reverse("placement_detail", args=[CrossCountyPlacement.objects.get().pk])).status_code == 404
        from api.models import ApiToken

        _, key = ApiToken.issue(user=official, name="测试")
        assert client.get(api, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404
        assert client.get(f"/api/v1/households/{pk}/documents/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 404
    # B's auditor reads no history of A's household either (the audit log stays prefix-only).
    client.force_login(b["auditor"])
    assert client.get(reverse("supervision:household_history", args=[pk])).status_code == 404


def test_b_files_and_prints_only_what_its_acts_need(open_province, county_b, site_officials, household):
    from django.core.exceptions import PermissionDenied

    from documents.evidence.services import withdraw_evidence
    from documents.services import generate_document

    a, b = site_officials, county_b
    place(household, b, a)
    household = Household.objects.get(pk=household.pk)
    with pytest.raises(PermissionDenied):
        ingest_evidence(actor=b["reviewer"], upload=upload("hukou.png"), stage=household.stage, kind="hukou_scan",
                        household=household)
    a_evidence = ingest_evidence(actor=a["reviewer"], upload=upload("hukou.png"), stage=household.stage,
                                 kind="hukou_scan", household=household)
    with pytest.raises(PermissionDenied):
        withdraw_evidence(a_evidence, actor=b["reviewer"], reason="误传")
    with pytest.raises(PermissionDenied):
        generate_document("application_form", actor=b["reviewer"], household=household)
    assert Document.objects.filter(household=household).count() == 0
    # What the host's acts need is allowed; A keeps everything.
    own = ingest_evidence(actor=b["reviewer"], upload=upload("lots.png"), stage=household.stage,
                          kind="unit_allocation_record", household=household)
    withdraw_evidence(own, actor=b["reviewer"], reason="拍错了")
    withdraw_evidence(a_evidence, actor=a["reviewer"], reason="重新上传")


def test_the_home_countys_entry_form_keeps_the_approved_site(open_province, county_b, site_officials, household):
    from registry.entry import CHANGE, HouseholdEntryForm

    a, b = site_officials, county_b
    place(household, b, a)
    household = Household.objects.select_related("site", "village").get(pk=household.pk)
    form = HouseholdEntryForm(instance=household, user=a["county_office"], perm=CHANGE)
    assert b["site"] in form.fields["site"].queryset
    other_b_site = SiteFactory(area=b["town"], name="河口二期")
    assert other_b_site not in form.fields["site"].queryset  # only the approved one
    # The API's correction keeps it too (the same choices, registry/choices.py).
    from rest_framework.test import APIClient

    from api.models import ApiToken

    _, key = ApiToken.issue(user=a["county_office"], name="测试")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.patch(f"/api/v1/households/{household.pk}/", {"contact_phone": "13800001111"}, format="json")
    assert response.status_code == 200, response.content.decode()
    assert Household.objects.get(pk=household.pk).site == b["site"]


def household_number(household):
    return Household.objects.get(pk=household.pk).number


def test_the_request_pages(open_province, county_b, site_officials, household, client):
    a, b = site_officials, county_b
    client.force_login(a["reviewer"])
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "申请跨县安置" in page
    new = reverse("placement_new", args=[household.pk])
    assert "河口安置点" in client.get(new).content.decode()
    response = client.post(new, {"site": b["site"].pk, "reason": ""})
    assert response.status_code == 400 and "须写明跨县安置的理由" in response.content.decode()
    assert CrossCountyPlacement.objects.count() == 0
    response = client.post(new, {"site": b["site"].pk, "reason": "邻县就业条件好"})
    placement = CrossCountyPlacement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("placement_detail", args=[placement.pk])
    detail = reverse("placement_detail", args=[placement.pk])
    # B's county office reads the request in its list, but it is not its turn yet.
    client.force_login(b["county_office"])
    assert "待迁出县审批" in client.get(reverse("placement_list")).content.decode()
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    client.force_login(a["county_office"])
    assert client.post(detail, {"decision": "refuse", "opinion": ""}).status_code == 400
    assert client.post(detail, {"decision": "approve", "opinion": "同意"}).status_code == 302
    # An auditor's POST is refused before anything is read.
    client.force_login(b["auditor"])
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    client.force_login(b["county_office"])
    assert "待我审批" in client.get(reverse("placement_list")).content.decode()
    assert client.post(detail, {"decision": "approve", "opinion": "同意接收"}).status_code == 302
    assert CrossCountyPlacement.objects.get().status == PlacementStatus.APPROVED
    assert Household.objects.get(pk=household.pk).site == b["site"]
