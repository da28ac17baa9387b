"""manage.py load_areas: the statistics bureau's area list in, a linked tree out, all or nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from registry.demo import demo_tree
from registry.models import AdminArea, AreaLevel

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "areas-example.csv"

COUNTY_FILE = """\
code,name
520999000000,示例县
520999101000,城关镇
520999101201,龙井村
520999101202,石门村
520999201000,高坡乡
520999201201,花桥村
"""

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "areas.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def load(path) -> str:
    out = StringIO()
    call_command("load_areas", str(path), stdout=out)
    return out.getvalue()


def refused(path) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("load_areas", str(path), stdout=StringIO())
    return str(exc.value)


def parent_of(code: str) -> str | None:
    parent = AdminArea.objects.get(code=code).parent
    return parent.code if parent else None


def test_it_loads_the_example_file_with_parents_linked():
    out = load(EXAMPLE)
    assert "新增 16，更新 0，未变 0" in out
    assert [(a.code, a.name, a.parent.code if a.parent else None) for a in AdminArea.objects.all()] == sorted(
        demo_tree()
    )
    village = AdminArea.objects.get(code="520999101201")
    assert village.level == AreaLevel.VILLAGE
    assert village.parent.level == AreaLevel.TOWNSHIP
    assert village.parent.parent.code == "520999000000"
    assert AdminArea.objects.get(code="520999000000").parent is None  # the top of the file's tree


def test_it_records_each_created_area_in_the_audit_log(write):
    load(write(COUNTY_FILE))
    events = AuditEvent.objects.filter(action="area.load")
    assert events.count() == 6
    village = events.get(target_id=str(AdminArea.objects.get(code="520999101201").pk))
    assert village.actor_username == ""
    assert village.area_code == "520999101201"
    assert village.data["result"] == "created"
    assert village.data["parent"] == "520999101000"
    assert village.data["line"] == 4


def test_a_second_run_changes_nothing(write):
    path = write(COUNTY_FILE)
    load(path)
    before = list(AdminArea.objects.values_list("id", "code", "name", "level", "parent_id"))
    events = AuditEvent.objects.count()
    out = load(path)
    assert "新增 0，更新 0，未变 6" in out
    assert list(AdminArea.objects.values_list("id", "code", "name", "level", "parent_id")) == before
    assert AuditEvent.objects.count() == events


def test_a_renamed_area_is_updated_and_reported(write):
    load(write(COUNTY_FILE))
    out = load(write(COUNTY_FILE.replace("石门村", "石门社区"), name="renamed.csv"))
    assert "新增 0，更新 1，未变 5" in out
    assert "520999101202" in out and "“石门村”→“石门社区”" in out
    area = AdminArea.objects.get(code="520999101202")
    assert area.name == "石门社区"
    event = AuditEvent.objects.filter(action="area.load").last()
    assert event.target_id == str(area.pk)
    assert event.data["result"] == "updated"
    assert event.data["changes"] == {"name": ["石门村", "石门社区"]}
    assert event.data["source"] == "renamed.csv"


def test_it_accepts_a_bom_no_header_and_a_level_column(write):
    text = "\ufeff520999000000,示例县,县\n520999101000,城关镇,乡\n520999101201,龙井村,village\n"
    assert "新增 3" in load(write(text))
    assert parent_of("520999101201") == "520999101000"


def test_it_links_rows_to_parents_already_stored(write):
    load(write("code,name\n520999000000,示例县\n520999101000,城关镇\n", name="upper.csv"))
    load(write("code,name\n520999101201,龙井村\n520999101202,石门村\n", name="villages.csv"))
    assert parent_of("520999101201") == "520999101000"
    assert parent_of("520999101202") == "520999101000"


def test_a_county_without_its_city_takes_the_nearest_ancestor(write):
    load(write("520000000000,贵州省\n520999000000,示例县\n520999101000,城关镇\n"))
    assert parent_of("520999000000") == "520000000000"


def test_a_city_without_counties_holds_its_townships(write):
    # 东莞 (441900) has no counties: its towns hang right under the city, as in the real list.
    load(write("440000000000,广东省\n441900000000,东莞市\n441900003000,东城街道\n441900003001,花园社区\n"))
    assert parent_of("441900000000") == "440000000000"
    assert parent_of("441900003000") == "441900000000"
    assert parent_of("441900003001") == "441900003000"


def test_a_loaded_province_is_linked_above_a_stored_county(write):
    load(write("520999000000,示例县\n", name="county.csv"))
    out = load(write("520000000000,贵州省\n520999000000,示例县\n", name="province.csv"))
    assert "新增 1，更新 1，未变 0" in out
    assert parent_of("520999000000") == "520000000000"


def test_a_dry_run_stores_nothing(write):
    out = StringIO()
    call_command("load_areas", str(write(COUNTY_FILE)), "--dry-run", stdout=out)
    assert "试运行" in out.getvalue() and "新增 6" in out.getvalue()
    assert not AdminArea.objects.exists()
    assert not AuditEvent.objects.exists()


# Refusals: a Chinese message naming the line and the problem, and nothing stored.


def assert_nothing_stored():
    assert not AdminArea.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_code_of_the_wrong_length_is_refused(write):
    message = refused(write(COUNTY_FILE.replace("520999101202", "52099910120")))
    assert "第5行" in message and "须为12位数字" in message and "现为11位" in message
    assert_nothing_stored()


def test_a_code_with_letters_is_refused(write):
    message = refused(write(COUNTY_FILE.replace("520999101202", "52099910120O")))
    assert "第5行" in message and "须全为数字" in message
    assert_nothing_stored()


def test_a_code_breaking_the_structure_is_refused(write):
    # A village code whose township part is 000, and a level column contradicting the code.
    message = refused(write(COUNTY_FILE + "520999000201,坝子村\n520999201202,羊场村,乡\n"))
    assert "第8行" in message and "乡级部分（第7-9位）全为0" in message
    assert "第9行" in message and "只有前9位有效" in message
    assert_nothing_stored()


def test_a_code_under_the_wrong_parent_prefix_is_refused(write):
    # 520998… listed among 520999's villages: no ancestor of it exists anywhere.
    message = refused(write(COUNTY_FILE + "520998101203,杨柳村\n"))
    assert "第8行" in message and "杨柳村（520998101203）找不到上级区划" in message and "520998101000" in message
    assert_nothing_stored()


def test_a_duplicate_code_is_refused(write):
    message = refused(write(COUNTY_FILE + "520999101201,龙井新村\n"))
    assert "第8行：区划代码 520999101201 与第4行重复" in message
    assert_nothing_stored()


def test_a_village_whose_township_is_unknown_is_refused(write):
    message = refused(write(COUNTY_FILE + "520999102201,坪上村\n"))
    assert "第8行" in message and "上级乡（镇、街道） 520999102000 既不在文件中，也不在系统中" in message
    assert_nothing_stored()


def test_an_orphan_below_the_top_of_the_file_is_refused(write):
    message = refused(write("520000000000,贵州省\n530999000000,某县\n"))
    assert "第2行" in message and "找不到上级区划" in message
    assert_nothing_stored()


def test_every_bad_line_is_reported_at_once(write):
    text = COUNTY_FILE.replace("520999101202", "5209991012").replace("花桥村", "") + "520999101201,龙井村\n"
    message = refused(write(text))
    assert "第5行：区划代码“5209991012”须为12位数字" in message
    assert "第7行：区划代码 520999201201 缺少名称" in message
    assert "第8行：区划代码 520999101201 与第4行重复" in message
    assert_nothing_stored()


def test_a_file_that_is_not_utf8_is_refused(write):
    message = refused(write(COUNTY_FILE, encoding="gbk"))
    assert "第2行" in message and "UTF-8" in message and "GBK" in message
    assert_nothing_stored()


def test_an_empty_file_is_refused(write):
    assert "没有区划数据" in refused(write("code,name\n\n"))


def test_a_failed_reload_leaves_the_stored_tree_as_it_was(write):
    load(write(COUNTY_FILE))
    before = list(AdminArea.objects.values_list("id", "code", "name", "parent_id"))
    events = AuditEvent.objects.count()
    refused(write(COUNTY_FILE.replace("石门村", "石门社区") + "520999102201,坪上村\n", name="bad.csv"))
    assert list(AdminArea.objects.values_list("id", "code", "name", "parent_id")) == before
    assert AuditEvent.objects.count() == events
