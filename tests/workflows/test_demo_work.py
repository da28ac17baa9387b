"""After the demo is seeded, no case waits unseen (issue 14 item 4): every household in a stage with
steps still to take is work in at least one demo official's 待办 — a viewflow task in a post's queue
or in someone's hands, or (for 评议 and 公示, which a village act moves as a batch) the "村级评议与
公示" line of the post that records that act."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.demo import build_demo
from registry.models import Household
from registry.models import HouseholdStage as S
from workflows import worklist
from workflows.worklist import PROCESS

pytestmark = pytest.mark.django_db(transaction=True)

# 后扶 is the lifecycle's last stage (followed for years, not closed by a step) and 清退 ends a case.
FINAL = {S.FOLLOW_UP, S.REMOVED}
# Kinds of the inbox's "村级评议与公示" lines that show a household of that stage.
BATCH_KINDS = {S.REVIEW: ("review_meeting",), S.NOTICE: ("notice_batch", "notice_running", "objection")}


def test_every_open_demo_case_is_in_somebodys_inbox():
    build_demo(households=48)
    call_command("seed_lifecycle_demo", "--demo-database", stdout=None)
    officials = list(get_user_model().objects.filter(is_active=True, is_superuser=False))
    seen: set[int] = set()
    batch_villages: dict[str, set[str]] = {}
    for user in officials:
        for tasks in (worklist.queue(user), worklist.inbox(user)):
            seen.update(tasks.exclude(**{PROCESS + "household": None})
                        .values_list(PROCESS + "household", flat=True))
        for work in worklist.village_work(user):
            batch_villages.setdefault(work.kind, set()).add(work.village_code)
    unseen = []
    for household in Household.objects.exclude(stage__in=FINAL).select_related("village"):
        if household.pk in seen:
            continue
        kinds = BATCH_KINDS.get(household.stage, ())
        if any(household.village.code in batch_villages.get(kind, ()) for kind in kinds):
            continue
        unseen.append(f"{household.number}（{household.get_stage_display()}）")
    assert Household.objects.exclude(stage__in=FINAL).count() > 10
    assert unseen == []
