"""ID numbers (GB 11643): accepted, normalised, refused with a message naming the problem."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from registry.idnumbers import check_id_number, mask_id_number, mask_phone
from registry.models import HouseholdStage, Member
from tests.factories import HouseholdFactory, MemberFactory, make_id_number


def refusal(value):
    with pytest.raises(ValidationError) as exc:
        check_id_number(value)
    return exc.value.code, exc.value.messages[0]


def test_valid_number_is_accepted_with_birth_date_and_sex():
    checked = check_id_number("11010519491231002X")
    assert checked.number == "11010519491231002X"
    assert checked.birth_date == datetime.date(1949, 12, 31)
    assert checked.sex == "F"
    assert checked.warnings == ()


def test_lowercase_x_full_width_digits_and_spaces_are_normalised():
    assert check_id_number("110105 19491231002x").number == "11010519491231002X"
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ("11010519491231002", "id_length", "18位"),
        ("1101051949123100211", "id_length", "18位"),
        ("11010519491231A02X", "id_format", "数字"),
        ("110105194912310021", "id_checksum", "校验位"),
        ("110105194902300020", "id_birth_date", "出生日期"),
        ("110105299912310020", "id_birth_date", "出生日期"),
    ],
)
def test_each_kind_of_bad_number_is_refused_with_a_message_naming_it(value, code, words):
    got_code, message = refusal(value)
    assert got_code == code
    assert words in message


def test_unknown_region_is_only_a_warning():
    body = "99999919800101001"
    from stdnum.cn import ric

    checked = check_id_number(body + ric.calc_check_digit(body + "0"))
    assert checked.warnings and "999999" in checked.warnings[0]


def test_region_newer_than_birth_year_is_only_a_warning():
    # docs/traps.md: stdnum's is_valid() refuses this genuine combination (522401 dates from 1990s).
    body = "52240119700101001"
    from stdnum.cn import ric

    checked = check_id_number(body + ric.calc_check_digit(body + "0"))
    assert checked.number.startswith("522401")


def test_masking_keeps_first_four_and_last_four():
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"


def test_the_database_holds_no_clear_id_number(areas):
    household = HouseholdFactory(village=areas["village_a"], head__id_number="11010519491231002X")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_member")
        raw = repr(cursor.fetchall())
    assert "11010519491231002X" not in raw
    assert "19491231" not in raw
    assert household.members.get().id_number == "11010519491231002X"


def test_exact_search_by_full_id_number_finds_the_member(areas):
    HouseholdFactory(village=areas["village_a"], head__id_number="11010519491231002X", head__name="张三")
    HouseholdFactory(village=areas["village_a"])
    assert [m.name for m in Member.find_by_id_number("11010519491231002x")] == ["张三"]


def test_same_person_is_refused_in_a_second_active_case(areas):
    number = make_id_number()
    HouseholdFactory(village=areas["village_a"], head__id_number=number)
    other = HouseholdFactory(village=areas["village_b"], head=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(household=other, id_number=number)
    assert Member.find_by_id_number(number).count() == 1


def test_a_removed_case_releases_its_members(areas):
    number = make_id_number()
    first = HouseholdFactory(village=areas["village_a"], head__id_number=number)
    # Removal is a lifecycle transition (workflows/); here the stored state is set directly.
    type(first).objects.filter(pk=first.pk).update(stage=HouseholdStage.REMOVED)
    first = type(first).objects.get(pk=first.pk)  # protected FSM fields refuse refresh_from_db()
    first.save()
    HouseholdFactory(village=areas["village_b"], head__id_number=number)
    assert Member.find_by_id_number(number).count() == 2


def test_stored_values_carry_the_key_id_and_decrypt_after_rotation(areas, settings):
    household = HouseholdFactory(village=areas["village_a"], head__id_number="11010519491231002X")
    old_keys = settings.IDNUMBER_KEYS
    settings.IDNUMBER_KEYS = "k2:00112233445566778899aabbccddeeff," + old_keys
    member = Member.objects.get(household=household)
    assert member.id_number == "11010519491231002X"  # old value, old key
    member.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_key FROM registry_member WHERE id = %s", [member.pk])
        stored, key = cursor.fetchone()
    assert stored.startswith("k2$") and key == "k2"
    assert Member.objects.get(pk=member.pk).id_number == "11010519491231002X"
