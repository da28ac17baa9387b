"""The audit log browser (issue 8, part 2): the auditor's scope, filters, pages by id."""

from audit.log import record
from registry.models import AreaLevel
from tests.conftest import make_official
from tests.factories import AreaFactory, HouseholdFactory
from workflows.models import HouseholdLifecycle

URL = "/supervision/log/"


def test_the_auditor_finds_every_unmasked_id_view_in_a_village(cast, areas, household_a, household_b, login):
    record(cast["clerk_a"], "member.reveal_id", household_a)
    record(cast["clerk_b"], "member.reveal_id", household_b)
    record(cast["clerk_a"], "evidence.download", household_a)
    response = login(cast["auditor"]).get(URL, {"action": "member.reveal_id", "area": "520999101201"})
    assert response.status_code == 200
    assert [(e.actor_username, e.area_code) for e in response.context["events"]] == [("clerk_a", "520999101201")]


def test_the_auditor_filters_by_actor(cast, household_a, login):
    record(cast["clerk_a"], "evidence.download", household_a)
    record(cast["reviewer"], "evidence.download", household_a)
    events = login(cast["auditor"]).get(URL, {"actor": "reviewer"}).context["events"]
    assert [e.actor_username for e in events] == ["reviewer"]


def test_events_outside_the_auditors_county_are_not_shown(cast, areas, household_a, login):
    other_county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    other_village = AreaFactory(code="520888101201", name="邻村", level=AreaLevel.VILLAGE, parent=other_county)
    stranger_household = HouseholdFactory(village=other_village)
    record(cast["clerk_a"], "evidence.download", household_a)
    record(cast["clerk_a"], "evidence.download", stranger_household)
    events = login(cast["auditor"]).get(URL, {"area": "5208"}).context["events"]
    assert events == []
    events = login(cast["auditor"]).get(URL).context["events"]
    assert {e.area_code for e in events} == {"520999101201"}


def test_the_log_pages_by_event_id_newest_first(cast, household_a, login, settings):
    settings.SUPERVISION_PAGE_SIZE = 2
    made = [record(cast["clerk_a"], "evidence.download", household_a).id for _ in range(3)]
    client = login(cast["auditor"])
    first = client.get(URL)
    assert [e.id for e in first.context["events"]] == [made[2], made[1]]
    assert first.context["has_more"]
    second = client.get(URL, {"before": first.context["next_before"]})
    assert [e.id for e in second.context["events"]] == [made[0]]
    assert not second.context["has_more"]


def test_a_village_clerk_cannot_open_the_log(cast, login):
    assert login(cast["clerk_a"]).get(URL).status_code == 403


def test_a_bad_area_prefix_is_named_in_chinese(cast, login):
    response = login(cast["auditor"]).get(URL, {"area": "abc"})
    assert "区划代码前缀须为1至12位数字" in response.content.decode()


def test_the_nav_shows_supervision_to_the_auditor_only(cast, login, client):
    assert "监督" in login(cast["auditor"]).get(URL).content.decode()
    client.logout()
    page = login(cast["clerk_a"]).get("/").content.decode()
    assert "/supervision/log/" not in page


def test_the_stranger_auditor_sees_nothing_of_this_county(cast, areas, household_a, login):
    other_county = AreaFactory(code="520888000000", name="邻县", level=AreaLevel.COUNTY)
    stranger = make_official("stranger", "role_auditor", other_county)
    record(cast["clerk_a"], "evidence.download", household_a)
    assert login(stranger).get(URL).context["events"] == []


def test_a_page_cursor_that_is_no_event_id_is_ignored_not_a_500(cast, household_a, login):
    record(cast["clerk_a"], "evidence.download", household_a)
    client = login(cast["auditor"])
    for before in ("²", "٣", "abc", "-1", "9" * 40):
        response = client.get(URL, {"before": before})
        assert response.status_code == 200, before


def test_the_log_reads_in_chinese_actions_targets_and_names(cast, household_a, login):
    reviewer = cast["reviewer"]
    reviewer.last_name, reviewer.first_name = "李", "审核"
    reviewer.save()
    record(reviewer, "household.view", household_a, {"via": "web"})
    record(reviewer, "household.stage_change", HouseholdLifecycle.objects.get(pk=household_a.pk), {"to": "review"})
    page = login(cast["auditor"]).get(URL).content.decode()
    rows = page[page.index("data-event="):].split("</tr>")[:2]
    for row in rows:  # the lifecycle's proxy reads as the household too
        assert "李审核" in row and f"搬迁户 {household_a.number}" in row
        assert "household." not in row and "registry." not in row and "workflows." not in row and "reviewer" not in row


def test_the_auditor_filters_by_category_in_chinese(cast, household_a, login):
    record(cast["clerk_a"], "evidence.upload", household_a)
    record(cast["clerk_a"], "evidence.download", household_a)
    record(cast["clerk_a"], "document.generate", household_a)
    record(cast["clerk_a"], "household.change", household_a)
    client = login(cast["auditor"])
    page = client.get(URL).content.decode()
    assert "证明材料" in page and "全部操作" in page  # the select offers categories, not codes
    events = client.get(URL, {"action": "evidence"}).context["events"]
    assert sorted(e.action for e in events) == ["evidence.download", "evidence.upload"]
    assert [e.action for e in client.get(URL, {"action": "registry"}).context["events"]] == ["household.change"]
    assert client.get(URL, {"action": "case"}).context["events"] == []  # an edit is not a decision
    response = client.get(URL, {"action": "<script>"})
    assert "请从列表中选择操作类别" in response.content.decode()
