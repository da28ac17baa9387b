"""The 四性 check: a walked household passes; an item removed behind the application's back is an
integrity failure (gap and missing required item); a changed stored byte is an authenticity failure."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.four_properties import check_archive
from archive.models import ArchiveItem
from documents import storage
from tests.workflows.test_documents import walk


def test_a_removed_item_and_a_changed_byte_are_reported(named, give, areas, family,
                                                        django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    assert check_archive("520999", security=False) == []
    call_command("check_archive", "--area", "520999", "--skip-security", stdout=io.StringIO())

    removed = ArchiveItem.objects.get(evidence__household=family, evidence__kind="signed_agreement")
    removed.delete()
    changed = ArchiveItem.objects.filter(file__household=family, evidence__isnull=False).first()
    path = storage.archive_storage().path(changed.storage_name)
    with open(path, "r+b") as stored:
        stored.seek(-1, 2)
        last = stored.read(1)
        stored.seek(-1, 2)
        stored.write(bytes([last[0] ^ 1]))

    findings = check_archive("520999", security=False)
    integrity = [f for f in findings if f.property == "完整性"]
    assert any(f.subject == removed.file.file_code and f"第 {removed.item_number} 件" in f.problem for f in integrity)
    assert any(f.subject == f"搬迁户 {family.number}" and "签字搬迁协议" in f.problem for f in integrity)
    assert [f.subject for f in findings if f.property == "真实性"] == [changed.archival_code]
    with pytest.raises(CommandError):
        call_command("check_archive", "--area", "520999", "--skip-security", stdout=io.StringIO(),
                     stderr=io.StringIO())


# The security property against the audit log, and the report page ---------------------------

from audit.log import record  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from registry.models import AreaUserGrant  # noqa: E402
from tests.factories import HouseholdFactory  # noqa: E402


@pytest.fixture
def filed(give, areas):
    household = HouseholdFactory(village=areas["village_a"])
    give(household, "hukou_scan", "current_house_photo")
    return household


def security(area="520999"):
    from archive.four_properties import check_access_log

    return check_access_log(area)


def test_archive_reads_by_covering_posts_pass_the_security_check(client, officials, filed):
    item = ArchiveItem.objects.filter(file__household=filed).first()
    for user in ("clerk_a", "reviewer", "county_office", "auditor"):
        client.force_login(officials[user])
        assert client.get(f"/archive/items/{item.pk}/").status_code == 200
    client.get(f"/archive/files/{item.file_id}/catalogue.pdf")
    assert AuditEvent.objects.filter(action="archive.catalogue").exists()
    assert security() == []


def test_an_archive_read_by_a_user_without_a_covering_post_is_flagged(officials, filed):
    item = ArchiveItem.objects.filter(file__household=filed).first()
    # Behind the application's back (a script, a shell): clerk B reads village A's item.
    event = record(officials["clerk_b"], "archive.open", item.file, {"archival_code": item.archival_code},
                   area_code=item.file.area_code)
    findings = security()
    assert [(f.property, f.subject) for f in findings] == [("安全性", f"审计事件 #{event.id}（archive.open）")]
    assert "clerk_b" in findings[0].problem and "没有覆盖该区划的岗位" in findings[0].problem


def test_a_post_revoked_after_the_read_still_covers_that_read(officials, filed, areas):
    item = ArchiveItem.objects.filter(file__household=filed).first()
    clerk = officials["clerk_a"]
    record(clerk, "archive.open", item.file, {"archival_code": item.archival_code}, area_code=item.file.area_code)
    # Later the clerk's post is revoked through the admin (an audited grant change).
    AreaUserGrant.objects.filter(user=clerk).delete()
    record(officials["county_office"], "area.grant_user", areas["village_a"],
           {"user": {"id": clerk.pk, "name": "clerk_a"}, "added": [], "removed": ["role_village_clerk"]})
    assert security() == []
    # A read after the revocation is flagged.
    clerk = type(clerk).objects.get(pk=clerk.pk)
    late = record(clerk, "archive.open", item.file, {"archival_code": item.archival_code},
                  area_code=item.file.area_code)
    assert [f.subject for f in security()] == [f"审计事件 #{late.id}（archive.open）"]


def test_world_readable_storage_is_a_security_failure(filed, settings):
    import os

    from archive.four_properties import check_storage_permissions

    assert check_storage_permissions() == []
    item = ArchiveItem.objects.filter(file__household=filed).first()
    path = storage.archive_storage().path(item.storage_name)
    os.chmod(path, 0o644)
    findings = check_storage_permissions()
    assert [f.property for f in findings] == ["安全性"] and findings[0].subject.endswith(os.path.basename(path))


@pytest.mark.parametrize("user", ["clerk_a", "reviewer", "county_office", "auditor"])
def test_the_report_page_shows_each_property_for_every_post(client, officials, filed, user):
    client.force_login(officials[user])
    page = client.get("/archive/four-properties/")
    text = page.content.decode()
    assert page.status_code == 200
    for prop in ("真实性", "完整性", "可用性", "安全性"):
        assert f'data-property="{prop}"' in text
    assert 'data-four-properties="pass"' in text  # a household in 申报 has passed no stage yet
    assert AuditEvent.objects.filter(action="archive.four_properties", actor_id=officials[user].pk).exists()


def test_the_report_names_a_removed_item_as_an_integrity_failure(client, officials, filed):
    removed = ArchiveItem.objects.filter(file__household=filed).order_by("item_number").first()
    removed.delete()
    client.force_login(officials["county_office"])
    text = client.get("/archive/four-properties/?area=520999101201").content.decode()
    assert removed.file.file_code in text and f"缺第 {removed.item_number} 件" in text


def test_the_report_of_another_village_is_404(client, officials, filed, areas):
    client.force_login(officials["clerk_b"])
    assert client.get(f"/archive/four-properties/?area={areas['village_a'].code}").status_code == 404
    text = client.get("/archive/four-properties/").content.decode()
    assert filed.number not in text


def test_an_item_that_no_longer_opens_is_a_usability_failure(filed):
    from archive.four_properties import check_authenticity_and_usability

    item = ArchiveItem.objects.filter(file__household=filed).first()
    path = storage.archive_storage().path(item.storage_name)
    with open(path, "r+b") as stored:
        stored.truncate(20)  # a PNG signature and nothing behind it
    findings = check_authenticity_and_usability("520999")
    assert {(f.property, f.subject) for f in findings} == {("真实性", item.archival_code),
                                                          ("可用性", item.archival_code)}
    assert any("无法打开" in f.problem for f in findings if f.property == "可用性")


def test_an_area_beyond_the_page_limit_points_to_a_smaller_area_or_the_command(client, officials, filed, settings):
    settings.ARCHIVE_FOUR_PROPERTIES_PAGE_LIMIT = 1
    client.force_login(officials["county_office"])
    text = client.get("/archive/four-properties/").content.decode()
    assert "超过页面检测上限 1 件" in text and "运行四性检测命令（区划 520999" in text
    assert 'data-property="真实性"' not in text
    settings.ARCHIVE_FOUR_PROPERTIES_PAGE_LIMIT = 2
    text = client.get(f"/archive/four-properties/?area={filed.area_code}").content.decode()
    assert 'data-four-properties="pass"' in text


def test_the_command_with_record_stores_each_countys_result_as_the_nightly_job_does(filed, areas):
    from archive.models import FourPropertiesRun

    out = io.StringIO()
    call_command("check_archive", "--record", "--area", "520999", stdout=out)
    run = FourPropertiesRun.objects.get(area_code=areas["county"].code)
    assert run.passed and "520999000000：四性检测通过" in out.getvalue()

    ArchiveItem.objects.filter(file__household=filed).order_by("item_number").first().delete()
    with pytest.raises(CommandError, match="1 个县"):
        call_command("check_archive", "--record", "--area", "520999101201", stdout=io.StringIO())
    assert not FourPropertiesRun.objects.filter(area_code=areas["county"].code).first().passed
    with pytest.raises(CommandError, match="没有与"):
        call_command("check_archive", "--record", "--area", "710000", stdout=io.StringIO())


# The area given to the command (issue 15 item 4) ------------------------------------------------

def test_the_command_checks_the_same_items_for_a_6_and_a_12_digit_county_code(filed, areas):
    outputs = []
    for code in ("520999", "520999000000"):
        out = io.StringIO()
        call_command("check_archive", "--area", code, "--skip-security", stdout=out)
        outputs.append(out.getvalue())
    items = ArchiveItem.objects.filter(file__area_code__startswith="520999").count()
    assert items > 0
    assert outputs[0] == outputs[1]
    assert f"检测范围：520999；已检测 {items} 件" in outputs[0]


@pytest.mark.parametrize("code, message", [("52099900", "格式不对"), ("5209990000001", "格式不对"),
                                           ("县520999", "格式不对"), ("530999", "没有区划代码为 530999 的区划")])
def test_the_command_refuses_a_code_that_names_no_area_instead_of_passing(filed, code, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_archive", "--area", code, "--skip-security", stdout=io.StringIO())
