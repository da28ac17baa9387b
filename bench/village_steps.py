"""The village's batch steps for the benches, as the village does them (not timed): 民主评议 and
公示 with its photo and its closing, so that households reach 审核 with the approval stage's real
viewflow process and tasks. An UPDATE of the stage would skip the process and under-count every
later step (issue 18 item 7). Call after django.setup()."""

import datetime


def to_approval(households, *, village, head, clerk, office) -> None:
    """Households in 评议 (their application submitted) → 审核, with the papers 审核 asks for."""
    from documents.evidence.services import ingest_evidence
    from registry.models import Household
    from registry.models import HouseholdStage as S
    from tests.workflows.conftest import upload
    from workflows.households import batches
    from workflows.households.batches import Vote

    meeting = datetime.date.today() - datetime.timedelta(days=12)
    batches.record_review_meeting(
        village=village, actor=head, held_on=meeting, place="村委会会议室", expected_members=30,
        present_members=21, votes=[Vote(h.pk, agree=18, against=2, abstain=1) for h in households],
        files={"meeting_minutes_scan": upload("minutes.png"), "sign_in_sheet": upload("sign.png")})
    batch = batches.create_notice_batch(
        village=village, actor=clerk, household_ids=[h.pk for h in households],
        posted_on=meeting + datetime.timedelta(days=2), ends_on=meeting + datetime.timedelta(days=8),
        posted_at="村委会公示栏")
    batches.file_notice_photo(batch_id=batch.pk, actor=clerk, upload=upload("posted.png"))
    batches.close_due_notices()
    for h in households:
        for kind in ("household_survey", "signed_agreement"):
            ingest_evidence(actor=office, upload=upload(), stage=S.APPROVAL, kind=kind, household=h)
    stages = set(Household.objects.filter(pk__in=[h.pk for h in households]).values_list("stage", flat=True))
    assert stages == {S.APPROVAL}, stages
