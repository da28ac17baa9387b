"""Resettlement sites in the admin: the county office registers them, audited; never deleted."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from registry.models import ResettlementSite
from tests.factories import SiteFactory

# AreaScopeBackend answers permissions only; sessions must name the backend that loads users.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ADD_URL = reverse("admin:registry_resettlementsite_add")


def as_official(client, cast, name):
    client.force_login(cast[name], backend=MODEL_BACKEND)
    return client


def site_post(area, **fields):
    data = {"code": "AZD9001", "name": "城关新区安置点", "area": area.pk, "kind": "urban", "location": "城关镇新区",
            "latitude": "", "longitude": "", "planned_units": "120", "planned_persons": "480",
            "planned_funds": "24000000"}
    data.update(fields)
    return data


def test_the_county_office_registers_a_site_and_it_is_audited(client, cast, areas):
    response = as_official(client, cast, "county_office").post(ADD_URL, site_post(areas["town"]))
    assert response.status_code == 302
    site = ResettlementSite.objects.get()
    assert site.area_code == areas["town"].code
    event = AuditEvent.objects.get(action="site.create")
    assert event.target_id == str(site.pk)
    assert event.data["values"]["planned_persons"] == 480


def test_a_site_cannot_be_registered_in_a_village(client, cast, areas):
    response = as_official(client, cast, "county_office").post(ADD_URL, site_post(areas["village_a"]))
    assert response.status_code == 200
    assert not ResettlementSite.objects.exists()


def test_site_area_choices_are_county_and_townships_in_scope(client, cast, areas):
    form = as_official(client, cast, "county_office").get(ADD_URL).context["adminform"].form
    assert set(form.fields["area"].queryset) == {areas["county"], areas["town"], areas["other_town"]}


@pytest.mark.parametrize("official", ["clerk_a", "reviewer", "auditor"])
def test_posts_without_site_editing_cannot_add_sites(client, cast, areas, official):
    assert as_official(client, cast, official).post(ADD_URL, site_post(areas["town"])).status_code == 403
    assert not ResettlementSite.objects.exists()


def test_a_site_change_records_before_and_after(client, cast, areas):
    site = SiteFactory(area=areas["town"], planned_units=100)
    url = reverse("admin:registry_resettlementsite_change", args=[site.pk])
    data = site_post(areas["town"], code=site.code, name=site.name, kind=site.kind, location="",
                     planned_units="150", planned_persons=str(site.planned_persons), planned_funds="0")
    assert as_official(client, cast, "county_office").post(url, data).status_code == 302
    assert AuditEvent.objects.get(action="site.change").data["changes"] == {
        "planned_units": {"before": 100, "after": 150},
    }


def test_sites_are_never_deleted(client, cast, areas):
    site = SiteFactory(area=areas["town"])
    url = reverse("admin:registry_resettlementsite_delete", args=[site.pk])
    assert as_official(client, cast, "county_office").post(url, {"post": "yes"}).status_code == 403
    assert ResettlementSite.objects.filter(pk=site.pk).exists()


def test_a_site_of_another_township_is_404_for_a_township_reviewer(client, cast, areas):
    site = SiteFactory(area=areas["other_town"])
    url = reverse("admin:registry_resettlementsite_change", args=[site.pk])
    assert as_official(client, cast, "reviewer").get(url).status_code == 404


def test_the_plan_cannot_be_cut_below_the_households_already_at_the_site(client, cast, areas):
    from tests.factories import HouseholdFactory

    site = SiteFactory(area=areas["town"], planned_units=5, planned_persons=20)
    for _ in range(3):
        HouseholdFactory(village=areas["village_a"], resettlement_mode="centralised", site=site, scattered_location="")
    url = reverse("admin:registry_resettlementsite_change", args=[site.pk])
    data = site_post(areas["town"], code=site.code, name=site.name, kind=site.kind, location="",
                     planned_units="2", planned_persons="20", planned_funds="0")
    response = as_official(client, cast, "county_office").post(url, data)
    assert response.status_code == 200
    assert "该安置点已安排3户，计划安置套数不能少于3套。" in response.content.decode()
    assert ResettlementSite.objects.get(pk=site.pk).planned_units == 5
    data["planned_units"] = "3"
    assert as_official(client, cast, "county_office").post(url, data).status_code == 302
