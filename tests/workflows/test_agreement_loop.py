"""The 搬迁协议 loop: the county decides without a signed agreement, its decision prints the
agreement, and the agreement comes back signed before work starts (开工) — every signed scan the
lifecycle asks for is of a document the system has already printed for that case."""

import pytest

from documents.models import Document
from documents.services import regenerate_document
from registry.models import HouseholdStage as S
from tests.workflows.test_documents import documents_of, family, named, text_of  # noqa: F401
from tests.workflows.test_walk import approve, stage_of, walk_to_approval
from workflows.acting import Refused
from workflows.households import stages


def test_every_signed_scan_is_asked_for_after_its_document_is_printed():
    printed_by_then = set()
    for stage in stages.HOUSEHOLD_STAGES:
        asked = {k for k in stage.all_evidence if k.startswith("signed_")}
        printed = {"signed_application": "application_form", "signed_agreement": "relocation_agreement",
                   "signed_confirmation": "acceptance_form", "signed_move_in": "move_in_confirmation"}
        for kind in asked:
            # 申请表 is printed on demand in 申报; the others when an earlier stage is left or, for
            # the forms signed during their stage, printed for signing in it.
            assert printed[kind] in printed_by_then | {"application_form"} | set(stage.for_signing), (stage.code, kind)
        printed_by_then |= set(stage.documents)


def test_the_county_decides_prints_the_agreement_and_work_waits_for_its_signed_scan(
        named, give, areas, family, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        walk_to_approval(family, named, give, areas)
        give(family, "household_survey")
        approve(family, "township_review", named["reviewer"])
        outcome = approve(family, "county_approval", named["county_office"], opinion="同意纳入搬迁计划。")
    assert outcome.moved_to == S.CONSTRUCTION
    agreement = documents_of(family)["relocation_agreement"]
    assert "易地扶贫搬迁协议" in text_of(agreement)

    give(family, "construction_photo")
    with pytest.raises(Refused) as refused:
        approve(family, "start_record", named["reviewer"])
    assert "签字搬迁协议" in refused.value.message and stage_of(family) == S.CONSTRUCTION

    give(family, "signed_agreement")
    assert approve(family, "start_record", named["reviewer"]).moved_to == S.ACCEPTANCE


def test_the_agreement_can_be_printed_again_with_its_number(named, give, areas, family,  # noqa: F811
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk_to_approval(family, named, give, areas)
        give(family, "household_survey")
        approve(family, "township_review", named["reviewer"])
        approve(family, "county_approval", named["county_office"])
    agreement = Document.objects.get(doc_type="relocation_agreement", households=family)
    version = regenerate_document(agreement, actor=named["county_office"], reason="户主要求重新打印")
    assert version.version == 2 and version.document.number == agreement.number
