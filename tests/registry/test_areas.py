import pytest
from django.core.exceptions import ValidationError

from registry.models import AdminArea, AreaLevel, level_of_code


def test_prefix_depends_on_the_level(areas):
    assert areas["county"].prefix == "520999"
    assert areas["town"].prefix == "520999101"
    assert areas["village_a"].prefix == "520999101201"


@pytest.mark.parametrize(
    ("code", "level"),
    [("520000000000", "province"), ("520900000000", "city"), ("520999000000", "county"),
     ("520999101000", "township"), ("520999101201", "village")],
)
def test_level_is_read_from_the_trailing_zeros(code, level):
    assert level_of_code(code) == level


def test_code_must_start_with_the_parent_prefix(areas):
    stray = AdminArea(code="520998101203", name="外县村", level=AreaLevel.VILLAGE, parent=areas["town"])
    with pytest.raises(ValidationError) as exc:
        stray.full_clean()
    assert "不以上级“城关镇”的代码前缀 520999101 开头" in str(exc.value)


def test_code_must_have_twelve_digits_and_zeros_after_its_level(areas):
    with pytest.raises(ValidationError, match="12位数字"):
        AdminArea(code="52099910120", name="x", level=AreaLevel.VILLAGE, parent=areas["town"]).full_clean()
    with pytest.raises(ValidationError, match="其余须为0"):
        AdminArea(code="520999101201", name="x", level=AreaLevel.TOWNSHIP, parent=areas["county"]).full_clean()
