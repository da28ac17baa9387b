"""One household from 申报 to 后扶 driven through the API alone, as the proper officials with
their tokens: entry, evidence, every step, the review meeting, the notice and its photo. The
only move not made by an official is the end of the notice period, which the system makes
(close_due_notices, the scheduled job) — as it does for the pages."""

from audit.models import AuditEvent
from registry.models import Household
from registry.models import HouseholdStage as S
from tests.api.helpers import household_body, png_file, transition, upload_evidence
from tests.workflows.conftest import days_ago
from workflows.households import batches
from workflows.models import Opinion


def stage_of(pk):
    return Household.objects.get(pk=pk).stage


def approve(client, pk, name, moves_to="__any__", **body):
    r = transition(client, pk, name, **body)
    assert r.status_code == 200, r.json()
    if moves_to != "__any__":
        assert r.json()["moved_to"] == moves_to, r.json()
    return r.json()


def test_a_household_walks_from_application_to_follow_up_through_the_api(officials, as_user, areas,
                                                                         django_capture_on_commit_callbacks):
    # Documents are rendered after each commit; run those callbacks as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        pk = walk(officials, as_user, areas)
    clerk = as_user(officials["clerk_a"])
    documents = clerk.get(f"/api/v1/households/{pk}/documents/").json()
    assert {"application_form", "approval_form", "acceptance_form", "follow_up_card"} <= {
        d["doc_type"] for d in documents}
    pdf = clerk.get(documents[0]["pdf_url"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="document.download", actor_username="clerk_a").exists()


def walk(officials, as_user, areas):
    clerk, head, reviewer, leader = (as_user(officials[k]) for k in ("clerk_a", "head_a", "reviewer", "leader"))
    office, housing, natres = (as_user(officials[k]) for k in ("county_office", "housing", "natres"))

    # 申报: the clerk enters the household with its members, uploads the papers, submits.
    r = clerk.post("/api/v1/households/", household_body(), format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["stage"] == "apply" and len(r.json()["members"]) == 2
    offered = clerk.get(f"/api/v1/households/{pk}/transitions/").json()["transitions"]
    assert [(t["name"], t["available"]) for t in offered] == [("submit_application", False)]
    for kind in ("hukou_scan", "current_house_photo", "signed_application"):
        assert upload_evidence(clerk, pk, kind, "apply").status_code == 201
    assert clerk.get(f"/api/v1/households/{pk}/transitions/").json()["transitions"][0]["available"] is True
    approve(clerk, pk, "submit_application", S.REVIEW, opinion="材料齐全，申请搬迁")

    # 评议: the village head records the meeting with its scans.
    r = head.post("/api/v1/review-meetings/", {
        "village": areas["village_a"].code, "held_on": days_ago(12).isoformat(), "place": "村委会会议室",
        "expected_members": 30, "present_members": 21,
        "votes": f'[{{"household": {pk}, "agree": 18, "against": 2, "abstain": 1}}]',
        "meeting_minutes_scan": png_file("minutes.png"), "sign_in_sheet": png_file("sign.png"),
    }, format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["households"][0]["passed"] is True
    assert stage_of(pk) == S.NOTICE

    # 公示: the clerk posts the notice and its photo; the period ends without objection.
    r = clerk.post("/api/v1/notice-batches/", {
        "village": areas["village_a"].code, "households": [pk], "posted_on": days_ago(10).isoformat(),
        "ends_on": days_ago(4).isoformat(), "posted_at": "村委会公示栏"}, format="json")
    assert r.status_code == 201, r.json()
    r = clerk.post(f"/api/v1/notice-batches/{r.json()['id']}/photo", {"file": png_file("posted.png")},
                   format="multipart")
    assert r.status_code == 200, r.json()
    assert batches.close_due_notices()["moved"] == [household_body()["number"]]
    assert stage_of(pk) == S.APPROVAL

    # 审核 → 开工 → 验收 → 入住 → 拆旧复垦 → 后扶.
    upload_evidence(office, pk, "household_survey", "approval")
    approve(reviewer, pk, "township_review", None)
    upload_evidence(office, pk, "signed_agreement", "approval")
    approve(office, pk, "county_approval", S.CONSTRUCTION)
    upload_evidence(office, pk, "construction_photo", "construction")
    approve(reviewer, pk, "start_record", S.ACCEPTANCE)
    upload_evidence(office, pk, "inspection_photo", "acceptance")
    upload_evidence(office, pk, "signed_confirmation", "acceptance")
    approve(reviewer, pk, "household_confirmation", None)
    approve(leader, pk, "township_acceptance", None)
    approve(housing, pk, "housing_acceptance", S.MOVE_IN, actual_floor_area="50.00")
    upload_evidence(office, pk, "old_new_house_photo", "move_in")
    upload_evidence(office, pk, "signed_move_in", "move_in")
    approve(reviewer, pk, "move_in_confirmation", S.DEMOLITION)
    upload_evidence(office, pk, "before_demolition_photo", "demolition")
    upload_evidence(office, pk, "after_demolition_photo", "demolition")
    approve(reviewer, pk, "demolition_record", None, reclaimed_area_mu="0.35", follow_up_officer=officials["leader"].pk)
    approve(natres, pk, "reclamation_acceptance", S.FOLLOW_UP)

    final = clerk.get(f"/api/v1/households/{pk}/").json()
    assert final["stage"] == "follow_up" and final["actual_floor_area"] == "50.00"
    assert final["reclaimed_area_mu"] == "0.35" and final["follow_up_officer"] == officials["leader"].pk
    moves = AuditEvent.objects.filter(action="household.stage_change", target_id=str(pk)).order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in moves] == [
        ("apply", "review"), ("review", "notice"), ("notice", "approval"), ("approval", "construction"),
        ("construction", "acceptance"), ("acceptance", "move_in"), ("move_in", "demolition"),
        ("demolition", "follow_up"),
    ]
    assert Opinion.objects.filter(household_id=pk).count() == 12
    history = clerk.get(f"/api/v1/households/{pk}/history/").json()
    assert [e for e in history if e["kind"] == "opinion"][0]["detail"]["text"] == "材料齐全，申请搬迁"
    return pk
