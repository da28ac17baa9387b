"""The lifecycle's paper: a household walked from 申报 to 后扶 leaves every document its stages
name, each numbered gap-free per type, saying what was recorded (signatures from the opinions,
the measured area, the votes); public ones carry no full ID number; a failed render leaves the
approved step standing and is an audit event."""

import dataclasses
import shutil
import subprocess

import pytest

from audit.models import AuditEvent
from documents import types as document_types
from documents.models import Document
from registry.models import Employment, Member, ResettlementMode, ResettlementSite, SiteStage
from registry.models import HouseholdStage as S
from tests.documents.conftest import make_family, pdf_text, stored_bytes
from tests.factories import SiteFactory
from tests.workflows.conftest import days_ago, upload
from tests.workflows.test_walk import allocate_unit, approve, stage_of, walk_from_approval, walk_to_approval
from workflows.households import batches, stages
from workflows.households.batches import Vote
from workflows.households.rendering import render_lifecycle_document
from workflows.models import Opinion

qpdf = shutil.which("qpdf") or "qpdf"  # installed by make test; missing, the tests fail

# What the stage table asks for, in the order the walk leaves its stages.
LIFECYCLE_TYPES = [kind for stage in stages.HOUSEHOLD_STAGES for kind in stage.documents]
NEW_TYPES = ["review_record", "notice_result", "relocation_agreement", "construction_start", "acceptance_form",
             "move_in_confirmation", "demolition_acceptance", "follow_up_card"]
TITLES = {
    "application_form": "易地扶贫搬迁申请表",
    "review_record": "村A易地扶贫搬迁对象民主评议记录",
    "public_notice": "关于村A易地扶贫搬迁拟搬迁对象的公示",
    "notice_result": "关于村A易地扶贫搬迁拟搬迁对象公示结果的公告",
    "approval_form": "易地扶贫搬迁对象审核审批表",
    "relocation_agreement": "易地扶贫搬迁协议",
    "construction_start": "易地扶贫搬迁住房开工确认单",
    "acceptance_form": "易地扶贫搬迁住房竣工验收单",
    "move_in_confirmation": "易地扶贫搬迁入住确认书",
    "demolition_acceptance": "易地扶贫搬迁拆旧复垦验收单",
    "follow_up_card": "易地扶贫搬迁后续扶持帮扶卡",
}
PUBLIC = {"public_notice", "notice_result"}
# Batch documents name the head, not the household number (the public ones print no numbers at all).
WITHOUT_HOUSEHOLD_NUMBER = PUBLIC


@pytest.fixture
def named(officials):
    """Officials with the names printed in signature blocks (user.get_full_name())."""
    for key, name in {"head_a": "王村长", "reviewer": "李审核", "leader": "周镇长", "housing": "钱住建",
                      "natres": "孙自然"}.items():
        officials[key].first_name = name
        officials[key].save(update_fields=["first_name"])
    # Given and family name in their own fields: printed family name first, no space (赵县办).
    officials["county_office"].first_name, officials["county_office"].last_name = "县办", "赵"
    officials["county_office"].save(update_fields=["first_name", "last_name"])
    return officials


@pytest.fixture
def family(areas):
    return make_family(areas["village_a"], head_name="张建国", size=3)


def walk(household, officials, give, areas, capture):
    """The whole walk with the post-commit renders run, as they run in production after each commit."""
    with capture(execute=True):
        walk_to_approval(household, officials, give, areas)
    with capture(execute=True):
        walk_from_approval(household, officials, give)


def documents_of(household) -> dict[str, Document]:
    found = {}
    for document in Document.objects.filter(households=household).order_by("id"):
        assert document.doc_type not in found, f"{document.doc_type} generated twice"
        found[document.doc_type] = document
    return found


def text_of(document) -> str:
    return pdf_text(stored_bytes(document.versions.get(version=1))).replace("\n", "").replace(" ", "")


def head_of(household) -> Member:
    return Member.objects.get(household=household, relation="head")


def qpdf_check(data: bytes, tmp_path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_walked_household_has_every_document_its_stages_name(named, give, areas, family,
                                                               django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)

    found = documents_of(family)
    assert sorted(found) == sorted(LIFECYCLE_TYPES)
    head = head_of(family)
    for kind, document in found.items():
        assert document.number.startswith("示例县搬迁〔") and document.number.endswith("第1号"), document.number
        text = text_of(document)
        assert TITLES[kind] in text, kind
        assert document.number in text, kind
        assert head.name in text, kind
        if kind not in WITHOUT_HOUSEHOLD_NUMBER:
            assert family.number in text, kind
    assert not AuditEvent.objects.filter(action="document.render_failed").exists()


def test_numbers_are_gap_free_per_type_across_households(named, give, areas, family,
                                                         django_capture_on_commit_callbacks):
    site = SiteFactory(area=areas["county"], name="幸福家园安置点")
    ResettlementSite.objects.filter(pk=site.pk).update(stage=SiteStage.HANDOVER)
    second = make_family(areas["village_a"], head_name="刘德华", size=2)
    type(second).objects.filter(pk=second.pk).update(resettlement_mode=ResettlementMode.CENTRALISED, site=site,
                                                     scattered_location="")
    allocate_unit(second, named, give)  # 分房 before 入住 (issue 5)
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    walk(second, named, give, areas, django_capture_on_commit_callbacks)

    for kind in LIFECYCLE_TYPES:
        documents = Document.objects.filter(doc_type=kind).order_by("serial")
        assert [d.serial for d in documents] == [1, 2], kind
        assert [d.number.endswith(f"第{i}号") for i, d in enumerate(documents, 1)] == [True, True], kind
    agreement = documents_of(second)["relocation_agreement"]
    assert "集中安置于幸福家园安置点" in text_of(agreement)


def test_the_approval_form_prints_each_level_as_recorded(named, give, areas, family,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk_to_approval(family, named, give, areas)
        give(family, "household_survey")
        approve(family, "township_review", named["reviewer"], opinion="经入户调查，该户情况属实，同意上报。")
        give(family, "signed_agreement")
        approve(family, "county_approval", named["county_office"],
                opinion="经县级抽样实地踏验和信息比对，同意纳入易地扶贫搬迁对象。")
    text = text_of(documents_of(family)["approval_form"])
    # 村: the review meeting's opinion and its chair; 乡镇 and 县: the opinions of the last round of 审核.
    assert "民主评议：实到21人，同意18、反对2、弃权1，通过。" in text and "王村长" in text
    assert "经入户调查，该户情况属实，同意上报。" in text and "李审核" in text
    assert "经县级抽样实地踏验和信息比对，同意纳入易地扶贫搬迁对象。" in text and "赵县办" in text
    county = Opinion.objects.get(household=family, step="county_approval")
    signed = county.created_at.astimezone().date()
    assert f"{signed.year}年{signed.month}月{signed.day}日" in text
    # The agreement quotes the policy in force and the county's approval.
    agreement = text_of(documents_of(family)["relocation_agreement"])
    assert "城关镇人民政府" in agreement and "张建国" in agreement
    assert head_of(family).id_number in agreement  # a party to the agreement: the full number
    assert "户均自筹不超过10000元" in agreement and "人均住房建设面积不超过25平方米" in agreement
    assert "入住之日起180日内拆除旧房" in agreement and "稳定脱贫前不得擅自扩建新房" in agreement


def test_the_later_forms_say_what_was_measured_and_who_signed(named, give, areas, family,
                                                              django_capture_on_commit_callbacks):
    Member.objects.filter(household=family).update(employment=Employment.UNEMPLOYED)
    cadre = named["clerk_a"]
    cadre.first_name, cadre.last_name = "德荣", "韦"
    cadre.save(update_fields=["first_name", "last_name"])
    type(family).objects.filter(pk=family.pk).update(responsible_cadre=cadre)
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    found = documents_of(family)

    acceptance = text_of(found["acceptance_form"])
    assert "25.00㎡" in acceptance and "8.33㎡" in acceptance  # measured, and per person for 3
    assert "符合人均住房建设面积不超过25平方米的规定" in acceptance
    for party, signer in (("县住房和城乡建设局", "钱住建"), ("乡镇人民政府", "周镇长"), ("搬迁户代表", "李审核")):
        assert party in acceptance and signer in acceptance
    assert "住房质量合格，同意交付入住" in acceptance

    assert "李审核" in text_of(found["construction_start"])
    move_in = text_of(found["move_in_confirmation"])
    assert "验收合格" in move_in and "180日内拆除旧房" in move_in
    demolition = text_of(found["demolition_acceptance"])
    assert "0.35亩" in demolition and "233.33㎡" in demolition and "孙自然" in demolition
    card = text_of(found["follow_up_card"])
    assert "周镇长" in card  # the follow-up officer chosen at 拆旧复垦
    assert "包保责任人（签字）：韦德荣" in card
    # Three members able and willing to work, none employed: the card warns (registry.policy.check_employment).
    assert "预警：该户有劳动能力且有就业意愿的成员，但尚无一人就业" in card

    review = text_of(found["review_record"])
    assert "应到30人，实到21人，实到人数达到应到人数的三分之二以上，会议有效。" in review
    assert "村委会会议室" in review and "通过" in review
    assert head_of(family).id_number not in review  # a village record: masked all the same


def test_a_follow_up_card_without_the_warning_when_someone_works(named, give, areas, family,
                                                                 django_capture_on_commit_callbacks):
    Member.objects.filter(household=family).update(employment=Employment.UNEMPLOYED)
    Member.objects.filter(household=family, relation="child").update(employment=Employment.MIGRANT)
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    card = text_of(documents_of(family)["follow_up_card"])
    assert "外出务工" in card and "预警" not in card


def test_public_documents_never_carry_a_full_id_number(named, give, areas, family, tmp_path,
                                                       django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    found = documents_of(family)
    ids = list(Member.objects.filter(household=family).values_list("id_number", flat=True))
    for kind in PUBLIC:
        version = found[kind].versions.get(version=1)
        data = stored_bytes(version)
        text = text_of(found[kind])
        assert not version.contains_unmasked_ids
        assert head_of(family).id_number_masked in text
        assert "13812345678" not in text
        for number in ids:
            assert number not in text and number.encode() not in data
            path, flat = tmp_path / "in.pdf", tmp_path / "flat.pdf"
            path.write_bytes(data)
            subprocess.run([qpdf, "--stream-data=uncompress", "--object-streams=disable", str(path), str(flat)],
                           check=True)
            assert number.encode() not in flat.read_bytes()
    result = text_of(found["notice_result"])
    assert "无异议" in result and "1户转入乡镇审核、县级审批程序" in result


def test_the_notice_result_reports_objections_without_naming_the_objector(named, give, areas,
                                                                         django_capture_on_commit_callbacks):
    families = [make_family(areas["village_a"], head_name=name, size=1) for name in ("陈一", "陈二", "陈三")]
    with django_capture_on_commit_callbacks(execute=True):
        for household in families:
            give(household, "hukou_scan", "current_house_photo", "signed_application")
            approve(household, "submit_application", named["clerk_a"])
        batches.record_review_meeting(
            village=areas["village_a"], actor=named["head_a"], held_on=days_ago(12), place="村委会会议室",
            expected_members=30, present_members=21,
            votes=[Vote(h.pk, agree=18, against=2, abstain=1) for h in families],
            minutes="会议由王村长主持，逐户介绍申请情况后举手表决。会后联系电话：13912345678。",
            files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")},
        )
        batch = batches.create_notice_batch(
            village=areas["village_a"], actor=named["clerk_a"], household_ids=[h.pk for h in families],
            posted_on=days_ago(6), ends_on=days_ago(0), posted_at="村委会公示栏",
        )
        upheld = batches.record_objection(batch_id=batch.pk, household_id=families[1].pk, actor=named["clerk_a"],
                                          objector="邻居甲", content="该户家中有人在县城机关上班，电话13900001111。")
        dismissed = batches.record_objection(batch_id=batch.pk, household_id=families[2].pk, actor=named["clerk_a"],
                                             objector="邻居乙", content="该户不缺住房。")
        batches.resolve_objection(objection_id=upheld.pk, actor=named["reviewer"], upheld=True,
                                  resolution="经核查属实，退回重新评议。")
        batches.resolve_objection(objection_id=dismissed.pk, actor=named["reviewer"], upheld=False,
                                  resolution="经入户核查，该户现住房位于地质灾害隐患点，异议不成立。")
        type(batch).objects.filter(pk=batch.pk).update(posted_on=days_ago(8), ends_on=days_ago(1))
        batches.file_notice_photo(batch_id=batch.pk, actor=named["clerk_a"], upload=upload("posted.png"))
        batches.close_due_notices()
    assert [stage_of(h) for h in families] == [S.APPROVAL, S.REVIEW, S.APPROVAL]

    result = Document.objects.get(doc_type="notice_result")
    assert set(result.households.all()) == set(families)
    text = text_of(result)
    assert "共收到异议2件" in text and "2户转入乡镇审核" in text
    assert "无异议" in text and "异议成立，退回评议" in text and "异议不成立" in text
    assert "经核查属实，退回重新评议。" in text and "异议不成立。" in text
    assert "村委会公示栏" in text
    assert "邻居甲" not in text and "邻居乙" not in text
    assert "13900001111" not in text and "139****1111" in text
    record = Document.objects.get(doc_type="review_record")
    assert set(record.households.all()) == set(families)
    minutes = text_of(record)
    assert all(h.number in minutes for h in families)
    assert "逐户介绍申请情况后举手表决" in minutes
    assert "13912345678" not in minutes and "139****5678" in minutes  # masked even in free text


def test_a_failed_render_leaves_the_step_approved_and_is_an_audit_event(named, give, areas, family, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    spec = document_types.get_spec("construction_start")

    def broken(subject, **kwargs):
        raise RuntimeError("template data unavailable")

    monkeypatch.setitem(document_types._SPECS, "construction_start", dataclasses.replace(spec, build_context=broken))
    walk(family, named, give, areas, django_capture_on_commit_callbacks)

    assert stage_of(family) == S.FOLLOW_UP
    assert Opinion.objects.filter(household=family, step="start_record", decision="approve").exists()
    failed = AuditEvent.objects.get(action="document.render_failed")
    assert failed.target_id == str(family.pk)
    assert failed.data["doc_type"] == "construction_start" and "template data unavailable" in failed.data["error"]
    assert "construction_start" not in documents_of(family)
    assert "acceptance_form" in documents_of(family)  # the next stage's paper is unaffected

    # Retried once the cause is gone, it takes the first number: the failure used none.
    monkeypatch.setitem(document_types._SPECS, "construction_start", spec)
    (version,) = render_lifecycle_document("construction_start", actor_id=named["reviewer"].pk,
                                           household_ids=[family.pk], single=True)
    assert version.document.serial == 1 and "李审核" in text_of(version.document)


def test_a_failure_inside_the_render_gives_the_number_back(named, give, areas, family, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    import documents.services

    real = documents.services.render_html
    calls = []

    def fail_the_agreement(html, **kwargs):
        calls.append(1)
        if "易地扶贫搬迁协议" in html:
            raise OSError("disk full")
        return real(html, **kwargs)

    monkeypatch.setattr(documents.services, "render_html", fail_the_agreement)
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    assert AuditEvent.objects.get(action="document.render_failed").data["doc_type"] == "relocation_agreement"
    monkeypatch.setattr(documents.services, "render_html", real)
    (version,) = render_lifecycle_document("relocation_agreement", actor_id=None, household_ids=[family.pk],
                                           single=True)
    assert version.document.number.endswith("协议第1号") and version.document.created_by is None


def test_the_system_renders_without_a_person_and_an_official_only_in_scope(named, family):
    (version,) = render_lifecycle_document("application_form", actor_id=None, household_ids=[family.pk], single=True)
    assert version.generated_by is None
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        render_lifecycle_document("application_form", actor_id=named["clerk_b"].pk, household_ids=[family.pk],
                                  single=True)
    with pytest.raises(LookupError):
        render_lifecycle_document("application_form", actor_id=None, household_ids=[family.pk, 10**9], single=True)


def test_every_new_type_passes_qpdf_check(named, give, areas, family, tmp_path,
                                          django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    found = documents_of(family)
    for kind in NEW_TYPES:
        data = stored_bytes(found[kind].versions.get(version=1))
        assert "No syntax or stream encoding errors found" in qpdf_check(data, tmp_path), kind


def test_every_lifecycle_type_is_registered_once_the_app_is_ready():
    for kind in LIFECYCLE_TYPES:
        assert document_types.get_spec(kind).code == kind


def test_the_demolition_sheet_prints_an_approved_exemption_instead_of_an_area(named, give, areas, family,
                                                                               django_capture_on_commit_callbacks):
    from workflows.households import service

    with django_capture_on_commit_callbacks(execute=True):
        walk_to_approval(family, named, give, areas)
    # Up to 入住 as in the walk, then the county approves keeping the old house.
    with django_capture_on_commit_callbacks(execute=True):
        give(family, "household_survey")
        approve(family, "township_review", named["reviewer"])
        give(family, "signed_agreement")
        approve(family, "county_approval", named["county_office"])
        give(family, "construction_photo")
        approve(family, "start_record", named["reviewer"])
        give(family, "inspection_photo", "signed_confirmation")
        approve(family, "household_confirmation", named["reviewer"])
        approve(family, "township_acceptance", named["leader"])
        approve(family, "housing_acceptance", named["housing"], changes={"actual_floor_area": "60.50"})
        give(family, "old_new_house_photo", "signed_move_in")
        approve(family, "move_in_confirmation", named["reviewer"])
        service.approve_demolition_exemption(family.pk, actor=named["county_office"], reason="heritage",
                                              opinion="该房屋为传统村落民居，同意保留。")
        approve(family, "demolition_record", named["reviewer"], changes={"follow_up_officer": named["leader"].pk})
        approve(family, "reclamation_acceptance", named["natres"])
    found = documents_of(family)
    demolition = text_of(found["demolition_acceptance"])
    assert "经县级批准保留旧房" in demolition and "具有历史文化保护价值的传统民居" in demolition
    assert "该房屋为传统村落民居，同意保留。" in demolition and "赵县办" in demolition
    assert "亩" not in demolition
    acceptance = text_of(found["acceptance_form"])
    assert "60.50㎡" in acceptance and "20.17㎡" in acceptance  # 3 persons: within 75 ㎡


def test_only_forms_that_print_full_id_numbers_flag_their_downloads():
    from documents.types import get_spec

    flagged = {code for code in ("application_form", "approval_form", "relocation_agreement", "review_record",
                                 "construction_start", "acceptance_form", "move_in_confirmation",
                                 "demolition_acceptance", "follow_up_card", "public_notice", "notice_result")
               if get_spec(code).contains_unmasked_ids}
    assert flagged == {"application_form", "approval_form", "relocation_agreement"}
