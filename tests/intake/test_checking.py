"""Check before commit (issue 21 item 2): every row and household checked with the registry's rules,
nothing stored by the check; the confirmed import stores each valid household once, idempotent by
ID number, through the registry's forms, numbering and the locked site function."""

import io

import pytest

from audit.models import AuditEvent
from intake import checking, committing
from intake.checking import CREATE, REJECTED, UNCHANGED, UPDATE
from intake.models import ImportBatch, MemberDetail
from registry.models import Household, Member, Relation
from tests.factories import HouseholdFactory, MemberFactory, SiteFactory, make_id_number
from tests.intake.workbooks import national, person, roster


def ids(n, birth="19800101"):
    return [make_id_number("520121", birth, 100 + i) for i in range(n)]


def check(workbook, user, area):
    return checking.check(workbook, user=user, area=area)


def batch_for(result, user, area):
    return ImportBatch.objects.create(area=area, created_by=user, confirmed_by=user, file_name="x.xlsx",
                                      stored_name="intake/x.xlsx", sha256="0" * 64, report=result.report(),
                                      status=ImportBatch.Status.COMMITTING)


def run(data: bytes, user, area):
    """Check, confirm as shown, commit: what the pages and the tasks do, without the storage."""
    result = check(io.BytesIO(data), user, area)
    batch = batch_for(result, user, area)
    outcome = committing.commit(batch, io.BytesIO(data), user=user)
    return result, outcome


@pytest.fixture
def good_list():
    a = ids(3)
    b = ids(2, "19750505")
    return national([
        [person("张三", "户主", id_number=a[0], phone=13812345678.0),
         person("李四", "配偶", id_number=a[1] + "14"),
         person("张小", "之子", id_number=make_id_number("520121", "20150101", 7), education="", schooling="小学", 务工状况="")],
        [person("王五", "户主", id_number=b[0]), person("王母", "之母", id_number=b[1], labour="无劳动力")],
    ]).getvalue()


def test_the_check_stores_nothing_and_plans_two_new_households(db, areas, cast, good_list):
    result = check(io.BytesIO(good_list), cast["county_office"], areas["county"])
    assert result.file_problems == [] and result.counts() == {CREATE: 2, UPDATE: 0, UNCHANGED: 0, REJECTED: 0}, result.report()["problems"]
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    report = result.report()
    assert report["persons"] == 5 and report["households"] == 2
    text = str(report)
    for number in ids(3) + ids(2, "19750505"):
        assert number not in text  # masked only


def test_confirmed_import_stores_each_household_once_and_again_changes_nothing(db, areas, cast, good_list):
    office = cast["county_office"]
    result, outcome = run(good_list, office, areas["county"])
    assert (outcome.created, outcome.updated, outcome.rejected) == (2, 0, 0), outcome.messages
    households = list(Household.objects.order_by("number"))
    assert [h.number for h in households] == ["5209991012010001", "5209991012010002"]  # registry/numbering.py
    first = households[0]
    assert first.poverty_reg_number == "520999101201000001" and first.contact_phone == "13812345678"
    assert sorted(m.relation for m in first.members.all()) == sorted([Relation.HEAD, Relation.SPOUSE, Relation.CHILD])
    spouse = first.members.get(relation=Relation.SPOUSE)
    assert MemberDetail.objects.get(member=spouse).disability_suffix == "14"
    child = first.members.get(relation=Relation.CHILD)
    assert child.intake_detail.schooling == "小学" and child.employment == "student"
    assert AuditEvent.objects.filter(action="household.create", data__via="import").count() == 2
    assert all(ids(3)[0] not in str(e.data) for e in AuditEvent.objects.all())
    # Again: nothing to do, nothing written.
    events = AuditEvent.objects.count()
    result, outcome = run(good_list, office, areas["county"])
    assert result.counts()[UNCHANGED] == 2 and (outcome.created, outcome.updated) == (0, 0)
    assert Household.objects.count() == 2 and Member.objects.count() == 5
    assert AuditEvent.objects.count() == events


def test_a_changed_list_updates_with_the_diff_shown(db, areas, cast, good_list):
    office = cast["county_office"]
    run(good_list, office, areas["county"])
    a = ids(3)
    changed = national([[person("张三", "户主", id_number=a[0]), person("李四", "配偶", id_number=a[1]),
                         person("张小", "之子", id_number=make_id_number("520121", "20150101", 7), education="",
                                schooling="小学"),
                         person("张新", "之女", id_number=make_id_number("520121", "20200202", 8), education="",
                                schooling="学龄前儿童")]], area_per_person=18).getvalue()
    result = check(io.BytesIO(changed), office, areas["county"])
    plan = result.planned[0]
    assert plan.action == UPDATE and plan.existing_number == "5209991012010001"
    labels = [row[0] for row in plan.diff]
    assert "计划住房建设面积（㎡）" in labels and "新增成员 张新" in labels
    batch = batch_for(result, office, areas["county"])
    outcome = committing.commit(batch, io.BytesIO(changed), user=office)
    assert outcome.updated == 1
    household = Household.objects.get(number="5209991012010001")
    assert household.members.count() == 4 and str(household.planned_floor_area) == "72.00"


def test_every_bad_row_is_reported_and_the_good_household_still_stored(db, areas, cast):
    office = cast["county_office"]
    good, two_heads, dup, site, bad_id = ids(1), ids(2, "19700303"), ids(1, "19600606"), ids(1, "19900909"), None
    workbook = national([
        [person("好户", "户主", id_number=good[0])],
        [person("甲", "户主", id_number=two_heads[0]), person("乙", "户主", id_number=two_heads[1])],
        [person("丙", "户主", id_number=dup[0]), person("丙重复", "之子", id_number=dup[0])],
        [person("丁", "户主", id_number=site[0], 安置点名称="不存在的安置点", 安置方式="集中安置")],
        [person("戊", "户主", id_number="52012119800101123")],
        [person("己", "户主", id_number=make_id_number("520121", "19810101", 5), education="初中", schooling="七年级")],
    ]).getvalue()
    result, outcome = run(workbook, office, areas["county"])
    assert outcome.created == 1 and outcome.rejected == 5
    messages = [p.message for p in result.problems()]
    assert any("只能有一名户主" in m for m in messages)
    assert any("重复人员" in m for m in messages)
    assert any("不存在的安置点" in m for m in messages)
    assert any("应为18位" in m for m in messages)
    assert any("只能填写其一" in m for m in messages)
    assert Household.objects.count() == 1


def test_policy_rules_are_the_registrys(db, areas, cast):
    office = cast["county_office"]
    workbook = national([[person("庚", "户主", id_number=ids(1)[0], 是否财政供养人员或其直系亲属="是")]],
                        area_per_person=30).getvalue()
    result = check(io.BytesIO(workbook), office, areas["county"])
    problems = result.planned[0].problems
    assert any("财政供养" in m for m in problems) and any("25" in m for m in problems)


def test_a_person_in_another_active_case_updates_that_case_not_a_second_one(db, areas, cast):
    office = cast["county_office"]
    number = ids(1)[0]
    existing = HouseholdFactory(village=areas["village_a"], head=False)
    MemberFactory(household=existing, id_number=number, relation=Relation.HEAD, name="旧名")
    workbook = national([[person("新名", "户主", id_number=number)]], area_per_person=25).getvalue()
    result = check(io.BytesIO(workbook), office, areas["county"])
    assert result.planned[0].action == UPDATE and result.planned[0].existing_id == existing.pk


def test_outside_the_officials_scope(db, areas, cast):
    reviewer = cast["other_reviewer"]  # 石桥乡: 村A is in 城关镇
    workbook = national([[person("辛", "户主", id_number=ids(1)[0])]]).getvalue()
    result = check(io.BytesIO(workbook), reviewer, areas["other_town"])
    assert result.planned[0].action == REJECTED
    assert "不在本次导入的范围" in result.planned[0].problems[0]


def test_the_site_plan_is_counted_before_and_under_the_lock(db, areas, cast):
    office = cast["county_office"]
    SiteFactory(name="幸福安置点", area=areas["county"], planned_units=1, planned_persons=5)
    workbook = national([[person("一", "户主", id_number=ids(1)[0])], [person("二", "户主", id_number=ids(1, "19910101")[0])]],
                        site="幸福安置点", mode="集中安置").getvalue()
    result, outcome = run(workbook, office, areas["county"])
    assert [p.action for p in result.planned] == [CREATE, REJECTED]
    assert "超出计划安置规模" in result.planned[1].problems[0]
    assert outcome.created == 1


def test_the_roster_groups_by_the_head_row(db, areas, cast):
    office = cast["county_office"]
    workbook = roster([[person("王五", "户主", id_number=ids(1)[0]), person("赵六", "配偶", id_number=ids(1, "19810101")[0])],
                       [person("孙七", "户主", id_number=ids(1, "19700101")[0])]]).getvalue()
    result, outcome = run(workbook, office, areas["county"])
    assert [len(p.persons) for p in result.planned] == [2, 1], result.report()["problems"]
    assert outcome.created == 2


def test_a_plan_changed_after_confirmation_is_not_stored(db, areas, cast, good_list):
    office = cast["county_office"]
    result = check(io.BytesIO(good_list), office, areas["county"])
    batch = batch_for(result, office, areas["county"])
    existing = HouseholdFactory(village=areas["village_a"], head=False)  # meanwhile, typed in by hand
    MemberFactory(household=existing, id_number=ids(1, "19750505")[0], relation=Relation.HEAD)
    outcome = committing.commit(batch, io.BytesIO(good_list), user=office)
    assert outcome.created == 1 and outcome.rejected == 1
    assert "已发生变化" in outcome.messages[0][2]
