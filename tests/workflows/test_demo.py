"""manage.py seed_lifecycle_demo: the demo county moved through the lifecycle by the real services,
with a household in every stage, its evidence and documents, a running notice with an open
objection, and nothing changed on a second run.

The build commits step by step (documents render after commit), so these tests run outside a
test transaction."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from audit.verify import verify_chain
from documents.models import Document, Evidence
from documents.types import get_spec
from registry.demo import build_demo
from registry.models import Household, ResettlementMode, ResettlementSite, SiteStage
from registry.models import HouseholdStage as S
from workflows import worklist
from workflows.households import stages
from workflows.households.conditions import DEMOLITION_PHOTOS, SITE_READY
from workflows.households.demo import PREFIX
from workflows.models import Decision, NoticeBatch, Objection, ObjectionStatus, Opinion, ReviewMeeting
from workflows.households.paperwork import BATCH_DOCUMENTS

pytestmark = pytest.mark.django_db(transaction=True)

HOUSEHOLDS = 48  # four per village: every demo cohort gets at least one household


@pytest.fixture
def county():
    build_demo(households=HOUSEHOLDS)


def seed() -> str:
    out = StringIO()
    call_command("seed_lifecycle_demo", "--demo-database", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count()
            for model in (Household, Opinion, Evidence, Document, AuditEvent, NoticeBatch, Objection, ReviewMeeting,
                          ResettlementSite)}


def current_round_approvals(household, stage):
    return set(Opinion.objects.filter(household=household, stage=stage, round=household.stage_round,
                                      decision=Decision.APPROVE).values_list("step", flat=True))


def registered(doc_type) -> bool:
    try:
        get_spec(doc_type)
    except LookupError:
        return False
    return True


def assert_documents_rendered():
    """Each registered document type of the stage table, for the cases that left its stage (types
    still being built are not registered yet and are left out)."""
    expected = [kind for stage in stages.HOUSEHOLD_STAGES for kind in stage.documents if registered(kind)]
    assert expected, "no lifecycle document type is registered"
    failed = [(e.data["doc_type"], e.data["error"]) for e in AuditEvent.objects.filter(action="document.render_failed")
              if registered(e.data["doc_type"])]
    assert not failed, failed[:5]
    for kind in expected:
        assert Document.objects.filter(doc_type=kind, area_code__startswith=PREFIX).exists(), kind
        if kind in BATCH_DOCUMENTS:
            continue
        # A form per household: every case in 后扶 has left all stages before it.
        for h in Household.objects.filter(area_code__startswith=PREFIX, stage=S.FOLLOW_UP):
            assert Document.objects.filter(doc_type=kind, household=h).exists(), (kind, h.number)


def test_it_moves_households_into_every_stage_with_their_paper_and_changes_nothing_the_second_time(county):
    output = seed()
    assert "流程演示数据已生成" in output and "未生成" not in output

    households = list(Household.objects.filter(area_code__startswith=PREFIX).select_related("site"))
    by_stage = {}
    for h in households:
        by_stage.setdefault(h.stage, []).append(h)
    assert set(by_stage) == {*stages.ORDER, S.REMOVED}

    # Only transitions moved them: each case's stage changes chain from 申报 to where it is.
    for h in households:
        moves = AuditEvent.objects.filter(action="household.stage_change", target_id=str(h.pk)).order_by("id")
        at = S.APPLY
        for event in moves:
            assert event.data["from"] == at
            at = event.data["to"]
        assert at == h.stage

    # 审核 both before and after the township step; 验收 signed in part.
    approval = [current_round_approvals(h, S.APPROVAL) for h in by_stage[S.APPROVAL]]
    assert set() in approval and {"township_review"} in approval
    for h in by_stage[S.ACCEPTANCE]:
        assert 0 < len(current_round_approvals(h, S.ACCEPTANCE)) < len(stages.STAGES[S.ACCEPTANCE].steps)

    # Whoever moved in lives scattered or at a handed-over site (seed 002).
    for stage in (S.MOVE_IN, S.DEMOLITION, S.FOLLOW_UP):
        for h in by_stage[stage]:
            assert h.resettlement_mode == ResettlementMode.SCATTERED or h.site.stage in SITE_READY
    assert ResettlementSite.objects.filter(stage=SiteStage.HANDOVER).count() == 1

    # The evidence of every stage a case has left is on file.
    for h in households:
        if h.stage == S.REMOVED:
            continue
        for code in stages.ORDER[: stages.ORDER.index(h.stage)]:
            kinds = set(stages.STAGES[code].all_evidence) - (set(DEMOLITION_PHOTOS) if h.old_house_kept else set())
            assert kinds <= set(Evidence.objects.filter(household=h).values_list("kind", flat=True)), (h, code)
    assert any(h.old_house_kept for h in by_stage[S.FOLLOW_UP])

    # 清退 with an approved reason; one case returned from 审核 with the township's opinion; one
    # voted down by the village meeting, back in 申报 with the reason.
    for h in by_stage[S.REMOVED]:
        request = Opinion.objects.get(household=h, step=stages.REMOVAL_REQUEST.code)
        assert request.text and Opinion.objects.filter(household=h, step=stages.REMOVAL_APPROVAL.code,
                                                       decision=Decision.APPROVE).exists()
    returned = Opinion.objects.get(area_code__startswith=PREFIX, step="township_review", decision=Decision.RETURN)
    assert returned.text and Household.objects.get(pk=returned.household_id).stage == S.NOTICE
    voted_down = Opinion.objects.get(area_code__startswith=PREFIX, step="review_meeting", decision=Decision.RETURN)
    assert "未通过" in voted_down.text and Household.objects.get(pk=voted_down.household_id).stage == S.APPLY

    # One notice running (posted, ending later) with one open objection; the others ended and closed.
    today = timezone.localdate()
    running = NoticeBatch.objects.filter(posted_on__lte=today, ends_on__gt=today)
    assert running.count() == 1 and running.get().closed_at is None
    assert list(Objection.objects.values_list("batch", "status")) == [(running.get().pk, ObjectionStatus.OPEN)]
    ended = NoticeBatch.objects.exclude(pk=running.get().pk)
    assert ended.exists() and not ended.filter(ends_on__gte=today).exists()
    assert not ended.filter(closed_at__isnull=True).exists()

    assert_documents_rendered()
    assert_every_open_case_is_somebodys_work()
    assert verify_chain().ok
    before = counts()
    again = seed()
    assert "未作任何改动" in again and "后扶" in again
    assert counts() == before
    call_command("verify_storage", stdout=StringIO())  # raises CommandError unless storage is intact


# 后扶 is the lifecycle's last stage (followed for years, not closed by a step) and 清退 ends a case.
FINAL = {S.FOLLOW_UP, S.REMOVED}
# Kinds of the inbox's "村级评议与公示" lines that show a household of that stage.
BATCH_KINDS = {S.REVIEW: ("review_meeting",), S.NOTICE: ("notice_batch", "notice_running", "objection")}


def assert_every_open_case_is_somebodys_work():
    """No case waits unseen (issue 14 item 4): every household in a stage with steps still to take
    is work in at least one demo official's 待办 — a viewflow task in a post's queue or in someone's
    hands, or (评议 and 公示, moved by a village act as a batch) the "村级评议与公示" line of the post
    that records that act, or decides the objection, or watches the notice run."""
    seen: set[int] = set()
    batch_villages: dict[str, set[str]] = {}
    for user in get_user_model().objects.filter(is_active=True, is_superuser=False):
        for tasks in (worklist.queue(user), worklist.inbox(user)):
            seen.update(tasks.exclude(**{worklist.PROCESS + "household": None})
                        .values_list(worklist.PROCESS + "household", flat=True))
        for work in worklist.village_work(user):
            batch_villages.setdefault(work.kind, set()).add(work.village_code)
    unseen = []
    for household in Household.objects.exclude(stage__in=FINAL).select_related("village"):
        kinds = BATCH_KINDS.get(household.stage, ())
        if household.pk in seen or any(household.village.code in batch_villages.get(k, ()) for k in kinds):
            continue
        unseen.append(f"{household.number}（{household.get_stage_display()}）")
    assert Household.objects.exclude(stage__in=FINAL).count() > 10
    assert unseen == []


def test_it_refuses_without_the_registry_demo(db):
    with pytest.raises(CommandError, match="seed_demo"):
        seed()


def test_it_refuses_without_debug_unless_told_the_database_is_a_demo(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo-database"):
        call_command("seed_lifecycle_demo", stdout=StringIO())
