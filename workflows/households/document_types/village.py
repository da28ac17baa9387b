"""The village's batch records: 民主评议记录 (one per review meeting) and 公示结果 (one per notice
batch). Both are about the households of one village; `paperwork` renders them for the batch."""

from django.conf import settings

from documents.masking import assert_public_context
from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date, household_data
from workflows.households.document_types.common import chinese_count, local_date, masked_text, person_name
from workflows.models.households import NoticeBatch, ObjectionStatus, ReviewMeeting


def _check_subject(record, household_ids, subject: Subject, what: str) -> None:
    """The document is filed with the households of the meeting or batch, and with no others."""
    if record.area_code != subject.area_code or set(household_ids) != {h.pk for h in subject.households}:
        raise ValueError(f"{what} {record.pk} is not about the households given")


# 民主评议记录 -------------------------------------------------------------------------------

def review_record_context(subject: Subject, *, public: bool, meeting_id: int) -> dict:
    meeting = ReviewMeeting.objects.select_related("recorded_by").get(pk=meeting_id)
    all_votes = list(meeting.votes.all())
    _check_subject(meeting, [v.household_id for v in all_votes], subject, "review meeting")
    area = area_path(meeting.area_code)
    by_household = {h.pk: h for h in subject.households}
    votes = []
    for vote in sorted(all_votes, key=lambda v: by_household[v.household_id].number):
        household = by_household[vote.household_id]
        # A village record, not posted: still no full ID number on it (masked like the notice).
        data = household_data(household, public=True, area=area)
        votes.append({
            "number": data["number"],
            "head_name": data["head_name"],
            "head_id_number": data["head_id_number"],
            "size": data["size"],
            "agree": vote.agree,
            "against": vote.against,
            "abstain": vote.abstain,
            "passed": vote.passed,
            "result": "通过" if vote.passed else "未通过",
            "reason": masked_text(vote.reason),
        })
    numerator, denominator = settings.POLICY_QUORUM_NUMERATOR, settings.POLICY_QUORUM_DENOMINATOR
    share = f"{chinese_count(denominator)}分之{chinese_count(numerator)}"
    quorate = meeting.present_members * denominator >= meeting.expected_members * numerator
    context = {
        "area": area,
        "meeting": {
            "type": meeting.get_meeting_type_display(),
            "held_on": chinese_date(meeting.held_on),
            "place": masked_text(meeting.place),
            "expected": meeting.expected_members,
            "present": meeting.present_members,
            "absent": meeting.expected_members - meeting.present_members,
            # 村民委员会组织法 art. 26: two thirds present; a majority of those present decides.
            "quorum": (f"应到{meeting.expected_members}人，实到{meeting.present_members}人，"
                       + (f"实到人数达到应到人数的{share}以上，会议有效。" if quorate
                          else f"实到人数未达到应到人数的{share}，会议无效。")),
            "rule": f"表决规则：同意票超过实到人数（{meeting.present_members}人）的半数为通过。",
            "minutes": masked_text(meeting.minutes),
            "recorded_by": person_name(meeting.recorded_by),
            "recorded_at": chinese_date(local_date(meeting.recorded_at)),
        },
        "votes": votes,
        "passed_count": sum(1 for v in votes if v["passed"]),
        "failed_count": sum(1 for v in votes if not v["passed"]),
    }
    assert_public_context(context)  # the promise above, kept: nothing unmasked reaches the template
    return context


def review_record_title(subject: Subject) -> str:
    return f"{area_path(subject.area_code)['village']}易地扶贫搬迁对象民主评议记录"


REVIEW_RECORD = register(DocumentSpec(
    code="review_record",
    full_id_numbers=False,  # prints masked numbers only
    label="民主评议记录",
    number_word="评议",
    template="documents/pdf/review_record.html",
    version="1",
    build_context=review_record_context,
    title=review_record_title,
    options=("meeting_id",),
))


# 公示结果 -----------------------------------------------------------------------------------

OUTCOMES = {
    ObjectionStatus.UPHELD: "异议成立，退回评议",
    ObjectionStatus.DISMISSED: "异议不成立",
    ObjectionStatus.OPEN: "异议待处理",
}


def _outcome(statuses: set[str]) -> str:
    for status in (ObjectionStatus.UPHELD, ObjectionStatus.OPEN, ObjectionStatus.DISMISSED):
        if status in statuses:
            return OUTCOMES[status]
    return "无异议"


def notice_result_context(subject: Subject, *, public: bool, batch_id: int) -> dict:
    batch = NoticeBatch.objects.get(pk=batch_id)
    _check_subject(batch, batch.households.values_list("pk", flat=True), subject, "notice batch")
    area = area_path(batch.area_code)
    objections = list(batch.objections.order_by("recorded_at", "id"))
    households = sorted(subject.households, key=lambda h: h.number)
    rows, names = [], {}
    for household in households:
        data = household_data(household, public=True, area=area)  # posted publicly: masked only
        names[household.pk] = data["head_name"]
        statuses = {o.status for o in objections if o.household_id == household.pk}
        rows.append({
            "head_name": data["head_name"],
            "head_id_number": data["head_id_number"],
            "size": data["size"],
            "objection_count": sum(1 for o in objections if o.household_id == household.pk),
            "outcome": _outcome(statuses),
            "continues": ObjectionStatus.UPHELD not in statuses and ObjectionStatus.OPEN not in statuses,
        })
    return {
        "area": area,
        "start_date": chinese_date(batch.posted_on),
        "end_date": chinese_date(batch.ends_on),
        "days": (batch.ends_on - batch.posted_on).days + 1,
        "posted_at": masked_text(batch.posted_at),
        "rows": rows,
        "household_count": len(rows),
        "person_count": sum(r["size"] for r in rows),
        "continuing_count": sum(1 for r in rows if r["continues"]),
        "returned_count": sum(1 for r in rows if not r["continues"]),
        # The objector is not named on a public page; what was raised and how it was settled is.
        "objections": [{
            "head_name": names.get(o.household_id, ""),
            "recorded_at": chinese_date(local_date(o.recorded_at)),
            "content": masked_text(o.content),
            "status": o.get_status_display(),
            "resolution": masked_text(o.resolution),
            "resolved_at": chinese_date(local_date(o.resolved_at)),
        } for o in objections],
    }


def notice_result_title(subject: Subject) -> str:
    return f"关于{area_path(subject.area_code)['village']}易地扶贫搬迁拟搬迁对象公示结果的公告"


NOTICE_RESULT = register(DocumentSpec(
    code="notice_result",
    label="公示结果",
    number_word="公示结果",
    template="documents/pdf/notice_result.html",
    version="1",
    build_context=notice_result_context,
    title=notice_result_title,
    public=True,
    options=("batch_id",),
))
