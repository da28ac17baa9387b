import datetime

import pytest

from aftercare.hazards import close_hazard, file_hazard, plan_rectification
from aftercare.models import HazardPhoto, SiteHazard
from audit.models import AuditEvent
from documents import storage
from tests.factories import SiteFactory
from tests.workflows.conftest import archive_root, upload  # noqa: F401  (fixture)
from workflows.acting import NotPermitted, OutOfScope, Refused


@pytest.fixture
def site(areas):
    return SiteFactory(area=areas["town"])


def test_a_hazard_from_inspection_to_closed(site, cast):
    officer = cast["reviewer"]
    hazard = file_hazard(actor=officer, site=site, kind="extension", description="3栋2单元一楼住户私自搭建彩钢棚",
                         found_on=datetime.date(2026, 11, 20), photos=[upload("before.png")])
    with pytest.raises(Refused) as refused:
        close_hazard(hazard.pk, actor=officer, text="已拆除", photos=[upload("after.png")])
    assert refused.value.codes == ["not_rectifying"]
    plan_rectification(hazard.pk, actor=officer, text="责令住户7日内自行拆除，社区跟踪",
                       deadline=datetime.date(2099, 1, 1))
    with pytest.raises(Refused) as refused:
        close_hazard(hazard.pk, actor=officer, text="已拆除")
    assert refused.value.codes == ["photos"]
    close_hazard(hazard.pk, actor=officer, text="彩钢棚已拆除", photos=[upload("after.png")])
    hazard = SiteHazard.objects.get(pk=hazard.pk)
    assert hazard.status == "closed"
    assert [s.action for s in hazard.steps.all()] == ["inspect", "plan", "close"]
    photos = list(HazardPhoto.objects.all())
    assert len(photos) == 2 and all(len(p.sm3) == 64 for p in photos)
    with storage.open_stored(photos[0].storage_name) as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert AuditEvent.objects.filter(action__startswith="aftercare.hazard_").count() == 3


def test_bad_input_and_scope(site, cast):
    with pytest.raises(Refused) as refused:
        file_hazard(actor=cast["reviewer"], site=site, kind="x", description="", found_on=datetime.date(2099, 1, 1))
    assert set(refused.value.codes) == {"kind", "description", "found_on", "photos"}
    with pytest.raises(OutOfScope):
        file_hazard(actor=cast["other_reviewer"], site=site, kind="fire", description="x",
                    found_on=datetime.date(2026, 11, 1), photos=[upload()])
    with pytest.raises(NotPermitted):
        file_hazard(actor=cast["auditor"], site=site, kind="fire", description="x",
                    found_on=datetime.date(2026, 11, 1), photos=[upload()])
    assert not SiteHazard.objects.exists()


def test_the_site_page_files_and_closes_a_hazard(client, site, cast):
    from django.urls import reverse

    client.force_login(cast["reviewer"])
    url = reverse("aftercare:hazard_new", args=[site.pk])
    bad = client.post(url, {"kind": "fire", "description": "消防通道堆放杂物", "found_on": "2026-11-20"})
    assert bad.status_code == 400 and "请上传至少一张现场照片" in bad.content.decode()
    assert client.post(url, {"kind": "fire", "description": "消防通道堆放杂物", "found_on": "2026-11-20",
                             "photos": [upload("a.png")]}).status_code == 302
    hazard = SiteHazard.objects.get()
    assert client.post(reverse("aftercare:hazard_plan", args=[hazard.pk]),
                       {"text": "清理杂物", "deadline": "2099-01-01"}).status_code == 302
    assert client.post(reverse("aftercare:hazard_close", args=[hazard.pk]),
                       {"text": "已清理"}).status_code == 400
    assert client.post(reverse("aftercare:hazard_close", args=[hazard.pk]),
                       {"text": "已清理", "photos": [upload("b.png")]}).status_code == 302
    page = client.get(reverse("aftercare:site_safety", args=[site.pk])).content.decode()
    assert "已整改销号" in page and "消防通道堆放杂物" in page
    photo = HazardPhoto.objects.first()
    assert client.get(reverse("aftercare:hazard_photo", args=[photo.pk])).status_code == 200
    client.force_login(cast["other_reviewer"])
    assert client.get(reverse("aftercare:site_safety", args=[site.pk])).status_code == 404
    assert client.get(reverse("aftercare:hazard_photo", args=[photo.pk])).status_code == 404
