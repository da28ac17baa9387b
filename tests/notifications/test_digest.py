"""The daily digest (issue 22 item 2): one message a day per official with something to report —
new, due, overdue, findings — by the channels chosen for it; nothing for an official with nothing."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from notifications import digest
from notifications.models import ChannelChoice, Kind
from supervision import findings
from tests.factories import HouseholdFactory
from tests.notifications.conftest import notices, who


def test_one_digest_a_day_with_the_figures(cast, areas, mailbox, django_capture_on_commit_callbacks):
    HouseholdFactory(village=areas["village_a"])
    findings.file_finding(actor=cast["auditor"], area_code=areas["town"].code, category="relocation",
                          description="进度滞后", responsible_role="role_township_reviewer",
                          responsible_area_code=areas["town"].code,
                          deadline=timezone.localdate() + datetime.timedelta(days=5))
    cast["clerk_a"].email = "clerk_a@example.cn"
    cast["clerk_a"].save()
    ChannelChoice.objects.create(user=cast["clerk_a"], kind=Kind.DIGEST, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_all() == 2
    assert who(Kind.DIGEST) == {"clerk_a": 1, "reviewer": 1}
    clerk = notices(Kind.DIGEST, user=cast["clerk_a"]).get()
    assert clerk.body == "新任务 1 件；即将到期 0 件；已逾期 0 件；待整改督查问题 0 条。"
    assert "待整改督查问题 1 条" in notices(Kind.DIGEST, user=cast["reviewer"]).get().body
    assert [m.to for m in mailbox] == [["clerk_a@example.cn"]]
    # Overdue later on: the same day sends nothing more; the figures move with the clock.
    assert digest.send_all() == 0
    late = digest.figures(cast["clerk_a"], now=timezone.now() + datetime.timedelta(days=16))
    assert (late["overdue"].value, late["due"].value) == (1, 0)


def test_the_command(cast):
    out = io.StringIO()
    call_command("send_digest", stdout=out)
    assert out.getvalue().strip() == "已发送每日汇总 0 份。"
