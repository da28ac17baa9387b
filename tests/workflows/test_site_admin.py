"""The site lifecycle's records in the admin: read-only and scoped like every list."""

import pytest
from django.urls import reverse

from registry.models import AreaLevel
from registry.models import SiteStage as T
from tests.conftest import make_official
from tests.documents.conftest import MODEL_BACKEND
from tests.factories import AreaFactory, SiteFactory
from tests.workflows.test_site_funds import arrive
from tests.workflows.test_site_walk import (
    site,  # noqa: F401  (fixture)
    site_officials,  # noqa: F401  (fixture)
    walk_site,
)
from workflows.models import FundEntry, SiteOpinion

PAGES = ["siteproject", "siteopinion", "progressreport", "fundentry", "unitallocation", "selffundentry"]


@pytest.fixture
def booked(site, site_officials):
    walk_site(site, site_officials, to=T.TENDER)
    arrive(site, site_officials, "1000000.00")
    return site


@pytest.mark.parametrize("page", PAGES)
def test_the_county_reads_each_list(client, booked, site_officials, page):
    client.force_login(site_officials["county_office"], backend=MODEL_BACKEND)
    response = client.get(reverse(f"admin:workflows_{page}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == (0 if page in ("unitallocation", "selffundentry", "progressreport")
                                                   else {"siteproject": 1, "fundentry": 1}.get(page, 6))
    assert not response.context["has_add_permission"]


def test_nothing_can_be_added_changed_or_deleted(client, booked, site_officials):
    client.force_login(site_officials["county_office"], backend=MODEL_BACKEND)
    entry = FundEntry.objects.get()
    assert client.get(reverse("admin:workflows_fundentry_add")).status_code == 403
    assert client.post(reverse("admin:workflows_fundentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert FundEntry.objects.filter(pk=entry.pk).exists()


def test_another_county_sees_none_of_it(client, booked):
    other = AreaFactory(code="520998000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("office_other", "role_county_office", other)
    SiteFactory(area=other)
    client.force_login(stranger, backend=MODEL_BACKEND)
    response = client.get(reverse("admin:workflows_siteopinion_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert SiteOpinion.objects.exists()
    opinion = SiteOpinion.objects.first()
    assert client.get(reverse("admin:workflows_siteopinion_change", args=[opinion.pk])).status_code in (302, 404)
