"""Filing: every document and evidence item a household's full lifecycle leaves lands in the
category the scheme names, with gap-free item numbers and a 档号 that carries no ID number."""

import re

from archive.filing import category_for
from archive.models import ArchiveCategory, ArchiveFile, ArchiveItem, FilingRule
from documents.models import DocumentVersion, Evidence, EvidenceKind
from documents.types import all_specs
from tests.workflows.test_documents import walk

ARCHIVAL_CODE = re.compile(r"^\d{6}-[HSCTX][A-Z]{2}·\d{4}-(Y|D30|D10)-\d{4}-\d{3}$")

HOUSEHOLD_CATEGORY = {
    "application_form": "申请识别", "approval_form": "审核审定", "relocation_agreement": "协议",
    "construction_start": "建房安置", "acceptance_form": "建房安置", "move_in_confirmation": "建房安置",
    "demolition_acceptance": "拆旧复垦", "follow_up_card": "后扶",
    "hukou_scan": "申请识别", "signed_agreement": "协议", "before_demolition_photo": "拆旧复垦",
}


def test_the_scheme_is_seeded_for_every_level(db):
    levels = set(ArchiveCategory.objects.values_list("level", flat=True))
    assert levels == {"county", "township", "village", "household", "site"}
    household = list(ArchiveCategory.objects.filter(level="household").values_list("name", flat=True))
    assert household == ["申请识别", "审核审定", "协议", "建房安置", "拆旧复垦", "后扶"]
    assert set(ArchiveCategory.objects.values_list("retention", flat=True)) == {"Y", "D30", "D10"}


def test_every_document_type_and_evidence_kind_has_a_category_where_it_is_filed(db):
    for spec in all_specs():
        level = "site" if spec.code.startswith("site_") else "household"
        assert category_for("document", spec.code, level) is not None
    for kind in EvidenceKind.values:
        assert category_for("evidence", kind, "household") is not None
        assert category_for("evidence", kind, "site") is not None


def test_a_walked_household_files_everything_gap_free(named, give, areas, family,
                                                     django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)

    versions = DocumentVersion.objects.filter(document__households=family)
    evidence = Evidence.objects.filter(household=family)
    assert versions.count() >= 11 and evidence.count() >= 15
    for version in versions:
        item = ArchiveItem.objects.get(document_version=version)
        assert item.sha256 == version.sha256 and item.reference_number == version.document.number
        if version.document.household_id:
            assert item.file.household_id == family.pk
            assert item.file.category.name == HOUSEHOLD_CATEGORY[version.document.doc_type]
        else:  # 评议记录 and 公示: the village's own records
            assert item.file.subject_key == f"a:{areas['village_a'].code}"
            assert item.file.category.level == "village"
    for piece in evidence:
        item = ArchiveItem.objects.get(evidence=piece)
        assert item.file.household_id == family.pk
        if piece.kind in HOUSEHOLD_CATEGORY:
            assert item.file.category.name == HOUSEHOLD_CATEGORY[piece.kind]

    for archive_file in ArchiveFile.objects.all():
        numbers = list(archive_file.items.order_by("item_number").values_list("item_number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1)) == list(range(1, archive_file.last_item_number + 1))
    for item in ArchiveItem.objects.all():
        assert ARCHIVAL_CODE.match(item.archival_code), item.archival_code
        assert item.archival_code.startswith(areas["county"].code[:6] + "-")
        for member in family.members.all():
            assert member.id_number not in item.archival_code and member.id_number[6:14] not in item.archival_code
    household_files = ArchiveFile.objects.filter(household=family)
    assert set(household_files.values_list("category__name", flat=True)) == {
        "申请识别", "审核审定", "协议", "建房安置", "拆旧复垦", "后扶"}


def test_a_superuser_can_move_a_kind_to_another_category(give, household):
    other = ArchiveCategory.objects.get(level="household", name="后扶")
    FilingRule.objects.filter(source="evidence", type_code="hukou_scan", level="household").update(category=other)
    give(household, "hukou_scan")
    item = ArchiveItem.objects.get(evidence__household=household)
    assert item.file.category == other and item.item_number == 1


def test_the_responsible_person_of_an_item_reads_family_name_first(give, household, officials):
    uploader = officials["county_office"]
    uploader.first_name, uploader.last_name = "强", "龙"
    uploader.save()
    give(household, "hukou_scan", actor=uploader)
    item = ArchiveItem.objects.get(evidence__household=household, evidence__kind=EvidenceKind.HUKOU_SCAN)
    assert item.responsible == "龙强"
