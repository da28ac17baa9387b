"""The public window (issue 22 item 5, Must show): no login; the notices running in a village, masked
as printed; a household's status for the right number + head's ID; a wrong pair, a guessed number and
the 21st request a minute from one address get nothing useful; each lookup logged with the ID masked."""

import pytest
from django.core.cache import cache

from audit.models import AuditEvent
from registry.models import Member, Relation
from tests.notifications.conftest import put_on_notice
from tests.workflows.conftest import archive_root, days_ago, give, household, officials  # noqa: F401
from workflows.households import batches


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def head_of(household):
    return Member.objects.get(household=household, relation=Relation.HEAD)


@pytest.fixture
def posted(officials, give, household, areas):
    """A household of village A on a notice running from yesterday for a week."""
    batch = put_on_notice(household, officials, give, areas)
    return household, batch


def test_running_notices_show_masked_as_printed_without_login(client, posted):
    household, batch = posted
    head = head_of(household)
    index = client.get("/public/").content.decode()
    assert f'href="/public/notices/{batch.pk}/"' in index and "村A" in index
    page = client.get(f"/public/notices/{batch.pk}/").content.decode()
    assert head.name in page
    assert head.id_number not in page and f"{head.id_number[:4]}**********{head.id_number[-4:]}" in page
    assert "data-bell" not in page  # no official's header
    assert client.get("/public/?village=不存在的村").content.decode().count("data-batch") == 0
    batches.NoticeBatch.objects.filter(pk=batch.pk).update(ends_on=days_ago(1))
    assert client.get(f"/public/notices/{batch.pk}/").status_code == 404  # no longer running


def test_the_right_pair_shows_the_status(client, posted):
    household, _ = posted
    head = head_of(household)
    response = client.post("/public/lookup/", {"number": household.number, "id_number": head.id_number})
    page = response.content.decode()
    assert response.status_code == 200 and "data-lookup-found" in page
    assert "公示中" in page and "村民委员会" in page
    assert head.id_number not in page
    [event] = AuditEvent.objects.filter(action="public.lookup")
    assert event.data == {"household_number": household.number, "id_masked": head.id_number[:4] + "*" * 10
                          + head.id_number[-4:], "found": True}
    assert head.id_number not in str(event.data) and event.target_id == str(household.pk)


def test_a_wrong_pair_a_guessed_number_and_a_malformed_one_get_the_same_nothing(client, posted, areas):
    household, _ = posted
    head = head_of(household)
    other = Member.objects.exclude(household=household).filter(relation=Relation.HEAD).first()
    wrong_id = other.id_number if other else "11010519491231002X"
    tries = [
        {"number": household.number, "id_number": wrong_id},  # a real ID, not this head's
        {"number": str(int(household.number) + 1), "id_number": head.id_number},  # a guessed number
        {"number": "12", "id_number": "123"},  # malformed
    ]
    for data in tries:
        page = client.post("/public/lookup/", data).content.decode()
        assert "未查到与该户编号和户主身份证号码相符的搬迁户" in page and "data-lookup-found" not in page
        assert head.name not in page
    events = AuditEvent.objects.filter(action="public.lookup").order_by("id")
    assert [e.data["found"] for e in events] == [False, False, False]
    assert all(len(e.data["id_masked"]) in (0, 18) and "*" in (e.data["id_masked"] or "*") for e in events)
    page = client.post("/public/lookup/", {"number": "", "id_number": ""}).content.decode()
    assert "请填写户编号" in page and "请填写户主身份证号码" in page


def test_the_21st_request_a_minute_from_one_address_gets_nothing(client, posted, settings):
    settings.PUBLIC_RATE = "20/minute"
    household, _ = posted
    head = head_of(household)
    for i in range(20):
        assert client.post("/public/lookup/", {"number": f"52099910120{i:05d}", "id_number": head.id_number}
                           ).status_code == 200
    response = client.post("/public/lookup/", {"number": household.number, "id_number": head.id_number})
    assert response.status_code == 429 and "data-lookup-found" not in response.content.decode()
    assert "请求过于频繁" in response.content.decode()
    assert AuditEvent.objects.filter(action="public.lookup").count() == 20
    other = client.post("/public/lookup/", {"number": household.number, "id_number": head.id_number},
                        REMOTE_ADDR="10.0.0.9")
    assert "data-lookup-found" in other.content.decode()  # another address is not held back


def test_a_new_case_says_what_is_missing_and_who_acts_next(client, household):
    head = head_of(household)
    page = client.post("/public/lookup/", {"number": household.number, "id_number": head.id_number}).content.decode()
    assert "data-lookup-found" in page and "缺少必备佐证材料" in page
    assert "提交搬迁申请（由村级经办人（村文书）办理）" in page


def test_the_login_page_leads_to_the_window(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/public/"' in page and "无需登录" in page
    assert client.get("/public/").status_code == 200
