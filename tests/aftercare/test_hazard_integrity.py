"""Hazard photos under the integrity checks (documents/fixity.py, plugged in by aftercare/apps.py)
and their downloads as audit events on the site."""

import datetime

from django.urls import reverse

from aftercare import hazards
from aftercare.models import HazardPhoto
from audit.models import AuditEvent
from documents import fixity, storage
from tests.factories import SiteFactory
from tests.workflows.conftest import archive_root, upload  # noqa: F401  (fixture)


def _hazard(areas, officer):
    site = SiteFactory(area=areas["town"], name="隐患安置点")
    hazards.file_hazard(actor=officer, site=site, kind="extension", description="3栋私自加建一层",
                        found_on=datetime.date(2026, 3, 1), photos=[upload("found.png")])
    return site, HazardPhoto.objects.get()


def test_verify_storage_rehashes_hazard_photos(areas, cast, archive_root):
    site, photo = _hazard(areas, cast["reviewer"])
    report = fixity.check_storage()
    assert report.ok and report.checked >= 1
    # The file changed behind the record's back: altered, named as a hazard photo.
    path = storage.archive_storage().path(photo.storage_name)
    with open(path, "r+b") as stored:
        stored.seek(20)
        stored.write(b"\x00\x01\x02")
    report = fixity.check_storage()
    assert [(p.kind, p.name) for p in report.problems] == [(fixity.ALTERED, photo.storage_name)]
    assert report.problems[0].detail.startswith("隐患照片")


def test_a_hazard_photo_download_is_an_audit_event_on_the_site(areas, cast, client):
    site, photo = _hazard(areas, cast["reviewer"])
    client.force_login(cast["leader"])
    response = client.get(reverse("aftercare:hazard_photo", args=[photo.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="aftercare.hazard_photo_download").get()
    assert (event.target_id, event.actor_username) == (str(site.pk), "leader")
    assert event.data["sha256"] == photo.sha256


def test_the_register_shows_the_sites_follow_up_and_the_site_page_links_to_it(areas, cast, client):
    from workflows.models.sites import SiteProject

    site, _ = _hazard(areas, cast["reviewer"])
    project = SiteProject.for_site(site)
    SiteProject.objects.filter(pk=project.pk).update(leading_industry="食用菌种植", service_centre="新市民服务中心",
                                                      follow_up_officer=cast["reviewer"])
    client.force_login(cast["leader"])
    page = client.get(reverse("aftercare:site_safety", args=[site.pk])).content.decode()
    assert "食用菌种植" in page and "新市民服务中心" in page and "后扶专干" in page
    site_page = client.get(reverse("approvals:site", args=[site.pk])).content.decode()
    assert reverse("aftercare:site_safety", args=[site.pk]) in site_page
