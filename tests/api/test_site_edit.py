"""POST /api/v1/sites/ and PATCH /api/v1/sites/{id}/: the county office registers and corrects
sites with the admin's form and rules, within its scope, audited, idempotent."""

import pytest

from audit.models import AuditEvent
from registry.models import ResettlementSite
from tests.api.conftest import assert_error
from tests.factories import AreaFactory, SiteFactory

URL = "/api/v1/sites/"


def site_body(area_code="520999101000", **overrides):
    body = {"code": "AZD9001", "name": "城关新区安置点", "area": area_code, "kind": "urban", "location": "城关镇新区",
            "planned_units": 120, "planned_persons": 480, "planned_funds": "24000000.00"}
    body.update(overrides)
    return body


def test_the_county_office_registers_a_site_audited(cast, areas, as_user):
    r = as_user(cast["county_office"]).post(URL, site_body(), format="json")
    assert r.status_code == 201, r.json()
    site = ResettlementSite.objects.get()
    assert r.json()["id"] == site.pk and r.json()["area"]["code"] == areas["town"].code
    assert site.area_code == areas["town"].code and site.stage == "selection"
    event = AuditEvent.objects.get(action="site.create")
    assert event.target_id == str(site.pk) and event.data["via"] == "api"
    assert event.data["values"]["planned_persons"] == 480


@pytest.mark.parametrize("post", ["clerk_a", "reviewer", "housing", "auditor"])
def test_other_posts_may_not_register_sites(cast, post, as_user):
    assert_error(as_user(cast[post]).post(URL, site_body(), format="json"), 403)
    assert not ResettlementSite.objects.exists()


def test_a_site_in_a_village_is_refused_with_the_model_rule(cast, areas, as_user):
    r = as_user(cast["county_office"]).post(URL, site_body(areas["village_a"].code), format="json")
    body = assert_error(r, 400)
    assert "area" in body["fields"]
    assert not ResettlementSite.objects.exists()


def test_an_area_of_another_county_is_refused_as_unknown(cast, as_user):
    other = AreaFactory(code="520888000000", name="邻县", level="county")
    r = as_user(cast["county_office"]).post(URL, site_body(other.code), format="json")
    assert "不在您的管辖范围内" in assert_error(r, 400)["fields"]["area"][0]
    assert not ResettlementSite.objects.exists()


def test_coordinates_out_of_range_and_a_duplicate_code_are_400_in_chinese(cast, areas, as_user):
    SiteFactory(area=areas["town"], code="AZD9001")
    r = as_user(cast["county_office"]).post(URL, site_body(latitude="95.000000"), format="json")
    body = assert_error(r, 400)
    assert body["fields"]["latitude"] == ["纬度须在 -90 到 90 之间。"]
    assert "已存在" in body["fields"]["code"][0]
    assert ResettlementSite.objects.count() == 1


@pytest.mark.parametrize("payload", [{}, {"kind": "palace"}, {"planned_units": -1}, {"area": "52"}, []])
def test_malformed_bodies_are_400(cast, as_user, payload):
    body = payload if isinstance(payload, list) else site_body(**payload) if payload else {}
    assert_error(as_user(cast["county_office"]).post(URL, body, format="json"), 400)
    assert not ResettlementSite.objects.exists()


def test_a_retried_registration_registers_once(cast, as_user):
    client = as_user(cast["county_office"])
    first = client.post(URL, site_body(), format="json", HTTP_IDEMPOTENCY_KEY="site-1")
    again = client.post(URL, site_body(), format="json", HTTP_IDEMPOTENCY_KEY="site-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert ResettlementSite.objects.count() == 1 and AuditEvent.objects.filter(action="site.create").count() == 1


def test_the_county_office_corrects_a_site_audited(cast, areas, as_user):
    site = SiteFactory(area=areas["town"], planned_units=10)
    r = as_user(cast["county_office"]).patch(f"{URL}{site.pk}/", {"planned_units": 12}, format="json",
                                             HTTP_IDEMPOTENCY_KEY="p-1")
    assert r.status_code == 200, r.json()
    assert r.json()["planned_units"] == 12
    assert ResettlementSite.objects.get(pk=site.pk).planned_units == 12
    event = AuditEvent.objects.get(action="site.change")
    assert event.data["changes"] == {"planned_units": {"before": 10, "after": 12}}


def test_a_bad_correction_changes_nothing(cast, areas, as_user):
    site = SiteFactory(area=areas["town"])
    r = as_user(cast["county_office"]).patch(f"{URL}{site.pk}/", {"longitude": "181.000000", "name": "新名"},
                                             format="json")
    assert assert_error(r, 400)["fields"]["longitude"] == ["经度须在 -180 到 180 之间。"]
    assert ResettlementSite.objects.get(pk=site.pk).name == site.name


def test_patch_by_a_post_that_reads_but_may_not_edit_is_403(cast, areas, as_user):
    site = SiteFactory(area=areas["town"])
    assert_error(as_user(cast["reviewer"]).patch(f"{URL}{site.pk}/", {"name": "新名"}, format="json"), 403)


def test_patch_out_of_scope_is_404(cast, as_user):
    other = AreaFactory(code="520888000000", name="邻县", level="county")
    site = SiteFactory(area=other)
    assert_error(as_user(cast["county_office"]).patch(f"{URL}{site.pk}/", {"name": "新名"}, format="json"), 404)
    assert ResettlementSite.objects.get(pk=site.pk).name == site.name


def test_the_stage_is_not_writable(cast, areas, as_user):
    site = SiteFactory(area=areas["town"])
    r = as_user(cast["county_office"]).patch(f"{URL}{site.pk}/", {"stage": "handover"}, format="json")
    assert r.status_code == 200
    assert ResettlementSite.objects.get(pk=site.pk).stage == "selection"


def test_the_schema_documents_site_create_and_patch(cast, as_user):
    schema = as_user(cast["clerk_a"]).get("/api/schema/", {"format": "json"}).json()
    assert "post" in schema["paths"]["/api/v1/sites/"]
    assert "patch" in schema["paths"]["/api/v1/sites/{id}/"]
