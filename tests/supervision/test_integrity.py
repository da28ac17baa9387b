"""The integrity view (issue 8, part 3): the checks' latest results, and the alarm when one fails."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from audit.log import record
from audit.models import AuditEvent
from supervision.models import IntegrityCheck
from tests.audit.test_chain import behind_the_applications_back

URL = "/supervision/integrity/"


def test_a_clean_run_is_recorded_with_its_time_and_shown_to_the_auditor(cast, household_a, login):
    record(cast["clerk_a"], "evidence.download", household_a)
    call_command("run_integrity_checks")
    page = login(cast["auditor"]).get(URL).content.decode()
    assert IntegrityCheck.objects.filter(ok=True).count() == 2
    assert "审计日志哈希链：正常" in page and "最近检查时间" in page
    assert "完整性异常" not in page


def test_a_rewritten_event_is_named_on_the_integrity_view_and_raises_the_alarm(cast, household_a, login):
    events = [record(cast["clerk_a"], "evidence.download", household_a) for _ in range(3)]
    with behind_the_applications_back():
        AuditEvent.objects.filter(pk=events[1].pk).update(data={"tampered": True})
    with pytest.raises(CommandError):
        call_command("run_integrity_checks")
    client = login(cast["auditor"])
    page = client.get(URL).content.decode()
    assert f"事件 #{events[1].pk}" in page and "发现问题" in page
    home = client.get("/").content.decode()
    assert "data-integrity-alarm" in home


def test_the_alarm_is_not_shown_to_a_village_clerk(cast, household_a, login):
    IntegrityCheck.objects.create(kind="audit_chain", ran_at="2026-01-01T00:00:00Z", ok=False, summary="x")
    assert "data-integrity-alarm" not in login(cast["clerk_a"]).get("/").content.decode()
    assert login(cast["clerk_a"]).get(URL).status_code == 403


def test_the_checks_are_scheduled_by_celery_beat():
    assert settings.CELERY_BEAT_SCHEDULE["supervision-integrity"]["task"] == "supervision.run_integrity_checks"


def test_an_altered_finding_attachment_fails_the_storage_check(cast, household_a, login, settings):
    import datetime

    from django.utils import timezone

    from supervision import findings
    from tests.workflows.conftest import upload

    finding = findings.file_finding(actor=cast["auditor"], area_code=household_a.area_code, household=household_a,
                                    category="relocation", description="x", responsible_role="role_village_clerk",
                                    deadline=timezone.localdate() + datetime.timedelta(days=3),
                                    attachments=[upload("证据.png")])
    attachment = finding.attachments.get()
    (settings.MEDIA_ROOT / attachment.storage_name).write_bytes(b"rewritten")
    with pytest.raises(CommandError):
        call_command("run_integrity_checks")
    storage_check = IntegrityCheck.objects.get(kind="storage")
    assert not storage_check.ok and attachment.storage_name in str(storage_check.problems)
    assert "已被改动 1 个" in login(cast["auditor"]).get(URL).content.decode()


def test_the_archives_nightly_check_of_each_county_in_scope_shows_and_a_failure_raises_the_alarm(cast, areas,
                                                                                              login):
    from tests.factories import AreaFactory

    other_county = AreaFactory(code="520888000000", name="邻县", level="county")
    call_command("run_integrity_checks")  # chain and storage clean: only the archive can raise the alarm
    record(None, "archive.four_properties_check", areas["county"], {"passed": True, "findings": 0},
           area_code=areas["county"].code)
    record(None, "archive.four_properties_check", other_county, {"passed": False, "findings": 4},
           area_code=other_county.code)
    client = login(cast["auditor"])
    page = client.get(URL).content.decode()
    assert 'data-area="520999000000" data-ok="1"' in page and "520888000000" not in page
    assert "data-integrity-alarm" not in client.get("/").content.decode()

    record(None, "archive.four_properties_check", areas["county"], {"passed": False, "findings": 2},
           area_code=areas["county"].code)
    page = client.get(URL).content.decode()
    assert 'data-area="520999000000" data-ok="0"' in page and page.count('data-area="520999000000"') == 1
    assert "未通过" in page
    assert "data-integrity-alarm" in client.get("/").content.decode()


def test_a_clean_run_signs_a_checkpoint_whose_short_code_the_integrity_page_shows(cast, household_a, login):
    from audit import checkpoints

    record(cast["clerk_a"], "evidence.download", household_a)
    call_command("run_integrity_checks")
    checkpoint = checkpoints.latest()
    assert checkpoint is not None and checkpoint.event_id == AuditEvent.objects.order_by("-id").first().pk
    page = login(cast["auditor"]).get(URL).content.decode()
    assert "审计链签名检查点" in page and f"data-checkpoint-code>{checkpoint.code}<" in page


# 立即运行 (issue 14 item 10): an auditor runs both checks now, audited; others are refused; a second
# run within the cool-down is refused in words and runs nothing.
RUN = "/supervision/integrity/run/"


@pytest.fixture
def no_run_started():
    from django.core.cache import cache

    from supervision.integrity import RUN_KEY

    cache.delete(RUN_KEY)
    yield
    cache.delete(RUN_KEY)


def test_the_auditor_runs_the_checks_now_and_the_run_is_audited(cast, household_a, login, no_run_started):
    client = login(cast["auditor"])
    page = client.get(URL).content.decode()
    assert "立即运行" in page and "尚未运行过完整性检查" in page
    response = client.post(RUN, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert "完整性检查已运行完毕" in page and "审计日志哈希链：正常" in page
    assert IntegrityCheck.objects.filter(ok=True).count() == 2
    asked = AuditEvent.objects.get(action="supervision.integrity_run")
    assert (asked.actor_username, asked.area_code, asked.data) == ("auditor", "520999000000", {"mode": "inline"})
    results = AuditEvent.objects.filter(action="supervision.integrity_check")
    assert [e.data["requested_by"] for e in results] == ["auditor", "auditor"]
    log = client.get("/supervision/log/").content.decode()
    assert "立即运行完整性检查" in log and "supervision.integrity_run" not in log


def test_a_second_run_within_the_cool_down_is_refused_in_words(cast, household_a, login, no_run_started):
    client = login(cast["auditor"])
    client.post(RUN)
    page = client.post(RUN, follow=True).content.decode()
    assert "分钟内不重复运行" in page
    assert IntegrityCheck.objects.count() == 2
    assert AuditEvent.objects.filter(action="supervision.integrity_run").count() == 1


@pytest.mark.parametrize("name", ["clerk_a", "reviewer", "leader", "county_office", "housing"])
def test_only_auditors_may_run_the_checks(cast, household_a, login, name, no_run_started):
    client = login(cast[name])
    assert client.post(RUN).status_code == 403
    assert "立即运行" not in client.get(URL).content.decode()
    assert IntegrityCheck.objects.count() == 0
    assert not AuditEvent.objects.filter(action="supervision.integrity_run").exists()


def test_with_a_worker_the_run_goes_to_the_background_and_the_page_says_so(cast, household_a, login, settings,
                                                                          no_run_started, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    from supervision import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.run_integrity_checks, "delay", lambda **kwargs: sent.append(kwargs))
    client = login(cast["auditor"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(RUN, follow=True).content.decode()
    assert sent == [{"requested_by": "auditor"}]
    assert "已在后台开始运行" in page and "正在后台运行" in page and 'disabled>立即运行' in page
    assert IntegrityCheck.objects.count() == 0
    tasks.run_integrity_checks(**sent[0])  # what the worker does
    page = client.get(URL).content.decode()
    assert "正在后台运行" not in page and "审计日志哈希链：正常" in page
