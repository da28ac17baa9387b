"""manage.py seed_demo: a fictional county whose data obeys every rule, and whose officials see
exactly their own area. Most tests build a small county; one builds the default 300 households."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction

from audit.models import AuditEvent
from registry.demo import (
    DEMO_PASSWORD,
    SUPERUSER,
    build_demo,
    demo_posts,
    demo_tree,
)
from registry.idnumbers import check_id_number
from registry.models import (
    AdminArea,
    AreaGroupGrant,
    AreaLevel,
    AreaUserGrant,
    Household,
    Member,
    Relation,
    ResettlementMode,
    ResettlementSite,
)
from registry.policy import blocking, check_household
from registry.roles import ROLES

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "areas-example.csv"
SMALL = 36  # three households per village


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def small_demo():
    return build_demo(households=SMALL)


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (AdminArea, Household, Member, ResettlementSite, get_user_model(), Group, AreaGroupGrant,
                      AreaUserGrant, AuditEvent)
    }


def test_it_builds_the_county_tree(small_demo):
    county = AdminArea.objects.get(code="520999000000")
    assert county.name == "示例县" and county.level == AreaLevel.COUNTY and county.parent is None
    townships = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP)
    villages = AdminArea.objects.filter(level=AreaLevel.VILLAGE)
    assert townships.count() == 3 and set(t.parent for t in townships) == {county}
    assert villages.count() >= 10
    for area in AdminArea.objects.all():
        area.clean()  # code structure and parent prefix, as AdminArea checks them
    assert all(v.parent.level == AreaLevel.TOWNSHIP and v.code.startswith(v.parent.prefix) for v in villages)


def test_the_default_build_gives_300_households_that_obey_every_blocking_rule():
    summary = build_demo()
    assert summary.built and summary.households >= 300
    households = list(Household.objects.select_related("village", "site").prefetch_related("members"))
    assert len(households) == summary.households
    numbers = set()
    for household in households:
        members = list(household.members.all())
        assert 1 <= len(members) <= 6
        assert [m.relation for m in members].count(Relation.HEAD) == 1
        assert blocking(check_household(household, members)) == [], household.number
        assert household.planned_floor_area <= 25 * len(members)
        assert 0 <= household.self_funding <= 10000
        assert household.poverty_registered and household.poverty_reg_number
        assert household.number.startswith(household.village.code) and len(household.number) == 16
        if household.resettlement_mode == ResettlementMode.CENTRALISED:
            assert household.site is not None
        else:
            assert household.site is None and household.scattered_location
        for member in members:
            checked = check_id_number(member.id_number)
            assert checked.warnings == (), member.id_number
            assert (checked.birth_date, checked.sex) == (member.birth_date, member.sex)
            assert member.id_number not in numbers  # one ID number, one person
            numbers.add(member.id_number)
    # Household numbers are never ID numbers (nor look like them: 16 digits, not 18).
    assert not numbers & {h.number for h in households}
    assert summary.members == len(numbers)
    modes = {h.resettlement_mode for h in households}
    assert modes == {ResettlementMode.CENTRALISED, ResettlementMode.SCATTERED}


def test_sites_lie_in_the_county_or_a_township_and_hold_their_households(small_demo):
    sites = ResettlementSite.objects.all()
    assert sites.count() == 3
    for site in sites:
        site.clean()
        assert site.area.level in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP)
        assert site.planned_units >= site.households.count()


def test_every_post_has_a_staff_user_holding_its_role_through_a_group(small_demo):
    posts = demo_posts()
    assert {p.role for p in posts} == set(ROLES)
    for post in posts:
        official = user(post.username)
        assert official.is_staff and not official.is_superuser
        area = AdminArea.objects.get(code=post.area_code)
        grant = AreaGroupGrant.objects.get(group__user=official)
        assert (grant.group.name, grant.permission.codename, grant.content_object) == (post.group_name, post.role, area)
    assert not AreaUserGrant.objects.exists()  # grants go to posts, not people


def test_every_village_has_a_clerk_and_a_head_and_every_township_a_reviewer_and_a_leader(small_demo):
    usernames = {p.username for p in demo_posts()}
    for code, _, _ in demo_tree():
        level = AdminArea.objects.get(code=code).level
        if level == AreaLevel.VILLAGE:
            assert {f"v{code[6:]}_clerk", f"v{code[6:]}_head"} <= usernames
        elif level == AreaLevel.TOWNSHIP:
            assert {f"t{code[6:9]}_reviewer", f"t{code[6:9]}_leader"} <= usernames


def test_admin_is_a_superuser(small_demo):
    admin = user(SUPERUSER)
    assert admin.is_superuser and admin.is_staff
    assert Household.objects.visible_to(admin).count() == SMALL


def test_the_demo_password_passes_the_validators_and_works_for_everyone(small_demo):
    validate_password(DEMO_PASSWORD)
    for username in [SUPERUSER, *(p.username for p in demo_posts())]:
        assert user(username).check_password(DEMO_PASSWORD)


def test_a_village_clerk_sees_only_the_households_of_its_village(small_demo):
    clerk = user("v101201_clerk")
    visible = Household.objects.visible_to(clerk)
    assert visible.count() == 3
    assert {h.area_code for h in visible} == {"520999101201"}
    other = Household.objects.filter(area_code="520999101202").first()
    assert not clerk.has_perm("registry.view_household", other)
    assert clerk.has_perm("registry.change_household", visible.first())


def test_a_village_head_reads_its_village_but_edits_nothing(small_demo):
    head = user("v102203_head")
    household = Household.objects.visible_to(head).first()
    assert household.area_code == "520999102203"
    assert not head.has_perm("registry.change_household", household)


def test_a_township_reviewer_sees_the_villages_of_its_township(small_demo):
    visible = Household.objects.visible_to(user("t201_reviewer"))
    assert visible.count() == 12
    assert {h.area_code[:9] for h in visible} == {"520999201"}


def test_the_county_office_and_the_auditor_see_the_whole_county(small_demo):
    assert Household.objects.visible_to(user("county_office")).count() == SMALL
    auditor = user("county_auditor")
    assert Household.objects.visible_to(auditor).count() == SMALL
    assert not auditor.has_perm("registry.change_household", Household.objects.first())


def test_each_household_has_a_cadre_of_its_own_village(small_demo):
    for household in Household.objects.select_related("responsible_cadre"):
        cadre = household.responsible_cadre
        assert cadre.username in (f"v{household.area_code[6:]}_clerk", f"v{household.area_code[6:]}_head")
        assert cadre.has_perm("registry.view_household", household)


def test_it_writes_one_summary_audit_event_and_nothing_else():
    build_demo(households=SMALL)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["demo.seed"]
    event = AuditEvent.objects.get()
    assert event.area_code == "520999000000" and event.data["households"] == SMALL


def test_a_second_run_changes_nothing(small_demo):
    before = table_counts()
    households = list(Household.objects.values_list("id", "number", "updated_at"))
    again = build_demo(households=SMALL)
    assert not again.built
    assert table_counts() == before
    assert list(Household.objects.values_list("id", "number", "updated_at")) == households


def people():
    return [
        (m.household.number, m.name, m.relation, m.id_number, m.household.responsible_cadre.username)
        for m in Member.objects.select_related("household__responsible_cadre").order_by("household__number", "id")
    ]


def test_the_same_seed_gives_the_same_people():
    with transaction.atomic():
        build_demo(households=SMALL)
        first = people()
        transaction.set_rollback(True)
    assert not Member.objects.exists()
    build_demo(households=SMALL)
    assert people() == first
    assert len(first) > SMALL


def test_it_reuses_areas_loaded_from_the_example_file():
    call_command("load_areas", str(EXAMPLE), stdout=StringIO())
    ids = dict(AdminArea.objects.values_list("code", "id"))
    summary = build_demo(households=SMALL)
    assert summary.areas_created == 0
    assert dict(AdminArea.objects.values_list("code", "id")) == ids


def test_the_command_refuses_to_run_without_debug():
    with pytest.raises(CommandError) as exc:
        call_command("seed_demo", stdout=StringIO())
    assert "DEBUG=1" in str(exc.value)
    assert not Household.objects.exists() and not get_user_model().objects.exists()


def test_the_command_builds_once_and_prints_the_logins_each_time():
    out = StringIO()
    call_command("seed_demo", "--demo-database", "--households", "24", stdout=out)
    first = out.getvalue()
    assert "搬迁户 24 户" in first
    for username in ("admin", "county_office", "t101_reviewer", "v101201_clerk", "v201204_head"):
        assert username in first
    assert "Demo-2026-pass" in first and "城关镇" in first and "乡镇审核员" in first

    before = table_counts()
    out = StringIO()
    call_command("seed_demo", "--demo-database", stdout=out)
    assert "演示数据已存在" in out.getvalue() and "未作任何改动" in out.getvalue()
    assert "v101201_clerk" in out.getvalue()
    assert table_counts() == before


def test_a_changed_password_is_not_printed_as_the_demo_one():
    build_demo(households=0)
    clerk = user("v101201_clerk")
    clerk.set_password("Another-secret-2026")
    clerk.save()
    out = StringIO()
    call_command("seed_demo", "--demo-database", "--households", "0", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if "v101201_clerk" in x)
    assert DEMO_PASSWORD not in line and "已修改" in line
