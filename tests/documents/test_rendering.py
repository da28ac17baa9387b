"""Each document type renders to a PDF/A whose text says what it should (pypdf extraction)."""

import datetime
import re
import shutil
import subprocess

import pytest

from documents.issuers import issuer_for, short_county_name
from documents.services import generate_document
from registry.models import Member

from .conftest import make_family, pdf_text, stored_bytes

qpdf = shutil.which("qpdf") or "qpdf"  # installed by make test; missing, the tests fail


def qpdf_check(data: bytes, tmp_path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def uncompressed(data: bytes, tmp_path) -> bytes:
    src, dst = tmp_path / "in.pdf", tmp_path / "out.pdf"
    src.write_bytes(data)
    subprocess.run([qpdf, "--stream-data=uncompress", "--object-streams=disable", str(src), str(dst)], check=True)
    return dst.read_bytes()


def test_application_form_names_the_household_and_its_number(cast, family_a, tmp_path):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    data = stored_bytes(version)
    text = pdf_text(data)
    assert "易地扶贫搬迁申请表" in text
    assert "示例县搬迁〔" in text and "〕申请第1号" in text
    assert version.document.number in text.replace("\n", "")
    assert "张建国" in text and "张小一" in text
    head = Member.objects.get(household=family_a, name="张建国")
    # An internal form the household signs: the full number is printed.
    assert head.id_number in text
    assert "第 1 页 共 1 页" in text
    assert version.pages == 1
    assert version.contains_unmasked_ids


def test_public_notice_lists_the_batch_with_masked_ids_only(cast, areas, tmp_path):
    families = [make_family(areas["village_a"], head_name=f"李{c}华") for c in "东南西北中"]
    version = generate_document("public_notice", actor=cast["clerk_a"], households=families,
                                start_date=datetime.date(2026, 3, 2))
    data = stored_bytes(version)
    text = pdf_text(data)
    flat = text.replace("\n", "")
    assert "关于村A易地扶贫搬迁拟搬迁对象的公示" in flat
    assert "示例县易地扶贫搬迁工作领导小组办公室" in flat
    assert "〕公示第1号" in flat
    assert "2026年3月2日至2026年3月8日" in flat
    heads = Member.objects.filter(household__in=families, relation="head")
    for head in heads:
        assert head.name in flat
        assert head.id_number_masked in flat
        # Not in the text, not in the file's bytes, not even in its uncompressed streams.
        assert head.id_number not in flat
        assert head.id_number.encode() not in data
        assert head.id_number.encode() not in uncompressed(data, tmp_path)
    assert "13812345678" not in flat
    assert not version.contains_unmasked_ids
    assert version.document.households.count() == 5


def test_approval_form_prints_each_signature_level(cast, family_a):
    version = generate_document(
        "approval_form", actor=cast["reviewer"], household=family_a,
        signatures=[{"level": "village", "opinion": "同意上报。", "signer": "王村长",
                     "signed_at": datetime.date(2026, 3, 1)}],
    )
    text = pdf_text(stored_bytes(version)).replace("\n", "")
    assert "易地扶贫搬迁对象审核审批表" in text
    assert "〕审批第1号" in text
    for heading in ("村级意见", "乡镇审核意见", "县级审批意见"):
        assert heading in text
    assert "同意上报。" in text and "王村长" in text and "2026年3月1日" in text


def test_every_pdf_carries_its_verification_code(cast, family_a):
    version = generate_document("application_form", actor=cast["clerk_a"], household=family_a)
    text = pdf_text(stored_bytes(version)).replace("\n", "")
    code = "-".join(version.verify_code[i:i + 4] for i in range(0, 20, 4))
    assert code in text
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{20}", version.verify_code)


@pytest.mark.parametrize("doc_type", ["application_form", "public_notice", "approval_form"])
def test_every_type_is_pdf_a_and_passes_qpdf_check(cast, family_a, tmp_path, doc_type):
    kwargs = {"households": [family_a]} if doc_type == "public_notice" else {"household": family_a}
    version = generate_document(doc_type, actor=cast["county_office"], **kwargs)
    data = stored_bytes(version)
    assert "No syntax or stream encoding errors found" in qpdf_check(data, tmp_path)
    xmp = uncompressed(data, tmp_path)
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp


def test_a_thirty_household_notice_is_one_pdf(cast, areas):
    families = [make_family(areas["village_b"], head_name=f"赵{i:02d}", size=1) for i in range(30)]
    version = generate_document("public_notice", actor=cast["reviewer"], households=families)
    text = pdf_text(stored_bytes(version))
    assert all(f"赵{i:02d}" in text for i in range(30))
    assert f"共 {version.pages} 页" in text


def test_a_rare_character_in_a_name_still_prints(cast, areas):
    family = make_family(areas["village_a"], head_name="王䶮堃")
    version = generate_document("application_form", actor=cast["clerk_a"], household=family)
    assert "王䶮堃" in pdf_text(stored_bytes(version))


def test_a_notice_mixing_villages_is_refused(cast, areas):
    from django.core.exceptions import ValidationError

    a, b = make_family(areas["village_a"]), make_family(areas["village_b"])
    with pytest.raises(ValidationError) as err:
        generate_document("public_notice", actor=cast["reviewer"], households=[a, b])
    assert err.value.code == "mixed_villages"


def test_a_notice_shorter_than_the_policy_is_refused(cast, family_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        generate_document("public_notice", actor=cast["clerk_a"], households=[family_a], days=3)
    assert err.value.code == "notice_too_short"


def test_the_issuing_organ_and_number_prefix_come_from_the_county(areas, settings):
    issuer = issuer_for("520999101201")
    assert issuer.organ == "示例县易地扶贫搬迁工作领导小组办公室"
    assert issuer.number_prefix == "示例县搬迁"
    settings.DOCUMENTS_COUNTY_OVERRIDES = {"520999": {"short_name": "示县", "organ": "示例县搬迁办"}}
    issuer = issuer_for("520999101201")
    assert (issuer.organ, issuer.number_prefix) == ("示例县搬迁办", "示县搬迁")


def test_autonomous_counties_drop_their_ethnic_names_in_the_prefix():
    assert short_county_name("道真仡佬族苗族自治县") == "道真县"
    assert short_county_name("三都水族自治县") == "三都县"
    assert short_county_name("示例县") == "示例县"


def test_a_clerk_cannot_generate_for_another_village(cast, areas):
    from django.core.exceptions import PermissionDenied

    family_b = make_family(areas["village_b"])
    with pytest.raises(PermissionDenied):
        generate_document("application_form", actor=cast["clerk_a"], household=family_b)


def test_the_system_may_generate_without_a_person(family_a):
    version = generate_document("approval_form", actor=None, household=family_a)
    assert version.generated_by is None and version.document.created_by is None
