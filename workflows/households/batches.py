"""Village batches: the review meeting (评议) and the public notice (公示) with its objections.

A batch acts on several households at once, but each household still moves through the one
transition service path: locked, checked, with its own opinion and audit event.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from audit.log import record
from registry import policy
from registry.models import AdminArea, AreaLevel, Household
from registry.models import HouseholdStage as S
from registry.policy import Violation
from workflows.acting import AlreadyHandled, NotPermitted, Refused, refuse, require_role
from workflows.households import conditions, evidence, paperwork, stages
from workflows.households.lifecycle import HouseholdLifecycle
from workflows.households.service import Outcome, move, system_advance
from workflows.households.signals import notice_closed
from workflows.models.households import (
    Decision,
    NoticeBatch,
    Objection,
    ObjectionStatus,
    Opinion,
    ReviewMeeting,
    ReviewVote,
)


@dataclass(frozen=True)
class Vote:
    household_id: int
    agree: int
    against: int
    abstain: int
    reason: str = ""


def _village(village) -> AdminArea:
    if not isinstance(village, AdminArea) or village.level != AreaLevel.VILLAGE:
        refuse("not_a_village", "评议与公示以村为单位组织。", field="village")
    return village


def _require_village_role(actor, village, roles, what):
    """Village-level acts: the role must cover the village itself."""
    return require_role(actor, village, roles, what)


def _lock_households(ids, village, stage):
    households = list(
        HouseholdLifecycle.objects.select_for_update().filter(pk__in=ids).order_by("pk").select_related("village")
    )
    found = {h.pk for h in households}
    missing = [i for i in ids if i not in found]
    if missing:
        refuse("household_not_found", "所列搬迁户不存在。", field="households")
    wrong = [h.number for h in households if h.village_id != village.pk]
    if wrong:
        refuse("other_village", f"以下户不属于{village.name}：{'、'.join(wrong)}。", field="households")
    late = [h.number for h in households if h.stage != stage]
    if late:
        refuse("already_handled", f"以下户当前不在“{S(stage).label}”阶段（可能已处理）：{'、'.join(late)}。",
               field="households", cls=AlreadyHandled)
    for h in households:
        conditions.forget(h)
    return households


def record_review_meeting(*, village, actor, held_on: date, place: str, expected_members: int,
                          present_members: int, votes: list[Vote], meeting_type: str = "representatives",
                          minutes: str = "", files: dict | None = None, request=None) -> ReviewMeeting:
    """民主评议: the village head records the meeting; each household that passes (agree > half
    of those present) moves to 公示, each that fails goes back to 申报 with the reason.
    `files` maps evidence kinds (the minutes scan, the sign-in sheet) to uploads; they are filed
    into every household's record."""
    files = files or {}
    village = _village(village)
    with transaction.atomic():
        role = _require_village_role(actor, village, stages.REVIEW_MEETING.roles, stages.REVIEW_MEETING.label)
        errors = []
        if not policy.quorum_reached(expected_members, present_members):
            errors.append(Violation(
                "quorum_not_reached", "present_members",
                f"会议实到{present_members}人、应到{expected_members}人，未达到应到人数的"
                f"{policy.settings.POLICY_QUORUM_NUMERATOR}/{policy.settings.POLICY_QUORUM_DENOMINATOR}，会议无效。",
            ))
        if held_on > timezone.localdate():
            errors.append(Violation("future_meeting", "held_on", "会议日期不能晚于今天。"))
        if not (place or "").strip():
            errors.append(Violation("place_required", "place", "须填写会议地点。"))
        if not votes:
            errors.append(Violation("no_votes", "votes", "须至少对一户进行表决。"))
        bad = [v for v in votes if min(v.agree, v.against, v.abstain) < 0
               or v.agree + v.against + v.abstain > present_members]
        numbers = dict(Household.objects.filter(pk__in=[v.household_id for v in bad]).values_list("pk", "number"))
        for vote in bad:  # each household by its number, with its figures (a form lists many)
            total = vote.agree + vote.against + vote.abstain
            errors.append(Violation(
                "bad_vote", "votes",
                f"{numbers.get(vote.household_id, vote.household_id)}：同意{vote.agree}、反对{vote.against}、"
                f"弃权{vote.abstain}，" + ("票数不能为负数。" if min(vote.agree, vote.against, vote.abstain) < 0
                                         else f"合计{total}票，超过实到人数{present_members}人。")))
        errors += evidence.missing_uploads(stages.STAGES[S.REVIEW].evidence, files)
        if errors:
            raise Refused(errors)
        households = _lock_households([v.household_id for v in votes], village, S.REVIEW)
        meeting = ReviewMeeting.objects.create(
            village=village, meeting_type=meeting_type, held_on=held_on, place=place.strip(),
            expected_members=expected_members, present_members=present_members, minutes=minutes,
            recorded_by=actor,
        )
        record(actor, "review_meeting.record", meeting,
               {"village": village.code, "expected": expected_members, "present": present_members,
                "households": [h.number for h in households], "evidence": sorted(files)},
               request=request, area_code=village.code)
        evidence.file_for_each(households, files, stage=S.REVIEW, actor=actor, request=request,
                               description=f"{held_on:%Y-%m-%d} {place.strip()} 民主评议")
        by_id = {h.pk: h for h in households}
        for vote in votes:
            household = by_id[vote.household_id]
            passed = policy.motion_passes(present_members, vote.agree)
            ReviewVote.objects.create(meeting=meeting, household=household, agree=vote.agree, against=vote.against,
                                      abstain=vote.abstain, passed=passed, reason=vote.reason)
            text = (f"民主评议：实到{present_members}人，同意{vote.agree}、反对{vote.against}、弃权{vote.abstain}，"
                    + ("通过。" if passed else f"未通过。{vote.reason}"))
            opinion = Opinion.objects.create(
                household=household, stage=household.stage, round=household.stage_round,
                step=stages.REVIEW_MEETING.code, decision=Decision.APPROVE if passed else Decision.RETURN, text=text,
                actor=actor, role=role, signature_level=stages.REVIEW_MEETING.signature_level,
            )
            if passed:
                conditions.forget(household)
                blockers = conditions.forward_blockers(household)
                if blockers:
                    raise Refused([Violation(b.code, b.field, f"{household.number}：{b.message}") for b in blockers])
                move(household, "advance", actor, request, opinion=opinion)
            else:
                move(household, "send_back", actor, request, opinion=opinion)
        paperwork.after_review_meeting(meeting, actor)
        return meeting


def create_notice_batch(*, village, actor, household_ids, posted_on: date, ends_on: date, posted_at: str,
                        request=None) -> NoticeBatch:
    """公示: the clerk posts the households that passed 评议; the notice PDF (masked) follows."""
    village = _village(village)
    with transaction.atomic():
        _require_village_role(actor, village, (stages.CLERK,), "张榜公示")
        errors = list(policy.check_notice_period(posted_on, ends_on))
        if not (posted_at or "").strip():
            errors.append(Violation("posted_at_required", "posted_at", "须填写张贴地点。"))
        if not household_ids:
            errors.append(Violation("no_households", "households", "须至少选择一户进行公示。"))
        if errors:
            raise Refused(errors)
        households = _lock_households(list(household_ids), village, S.NOTICE)
        already = [h.number for h in households if h.notice_batches.filter(created_at__gte=h.stage_entered_at).exists()]
        if already:
            refuse("already_posted", f"以下户已在本轮公示中：{'、'.join(already)}。", field="households",
                   cls=AlreadyHandled)
        batch = NoticeBatch.objects.create(village=village, posted_on=posted_on, ends_on=ends_on,
                                           posted_at=posted_at.strip(), created_by=actor)
        batch.households.set(households)
        record(actor, "notice_batch.create", batch,
               {"village": village.code, "households": [h.number for h in households],
                "posted_on": posted_on, "ends_on": ends_on}, request=request, area_code=village.code)
        paperwork.after_notice_posted(batch, actor)
        return batch


def file_notice_photo(*, batch_id, actor, upload, request=None) -> NoticeBatch:
    """The photo of the posted notice, filed into every household of the batch."""
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        _require_village_role(actor, batch.village, (stages.CLERK,), "上传公示张贴照片")
        households = list(batch.households.filter(stage=S.NOTICE).order_by("pk"))
        if not households:
            refuse("already_handled", "该批次已无处于公示阶段的搬迁户。", cls=AlreadyHandled)
        evidence.file_for_each(households, {"posted_notice_photo": upload}, stage=S.NOTICE, actor=actor,
                               request=request, description=f"{batch.posted_at} 张贴")
        record(actor, "notice_batch.photo", batch, {"households": [h.number for h in households]},
               request=request, area_code=batch.village.code)
        return batch


def _lock_batch(batch_id):
    try:
        return NoticeBatch.objects.select_for_update().select_related("village").get(pk=batch_id)
    except NoticeBatch.DoesNotExist:
        refuse("not_found", "未找到该公示批次。")


def record_objection(*, batch_id, household_id, actor, objector: str, content: str, request=None) -> Objection:
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        _require_village_role(actor, batch.village, (stages.CLERK,), "登记公示异议")
        if not batch.households.filter(pk=household_id).exists():
            refuse("not_in_batch", "该户不在此公示批次中。", field="household")
        today = timezone.localdate()
        if not (batch.posted_on <= today <= batch.ends_on):
            refuse("outside_notice_period",
                   f"异议须在公示期（{batch.posted_on:%Y年%m月%d日}至{batch.ends_on:%Y年%m月%d日}）内登记。")
        if not (objector or "").strip() or not (content or "").strip():
            refuse("objection_incomplete", "须填写异议人和异议内容。", field="content")
        household = Household.objects.get(pk=household_id)
        objection = Objection.objects.create(batch=batch, household=household, objector=objector.strip(),
                                             content=content.strip(), recorded_by=actor)
        record(actor, "objection.record", household, {"objection": objection.pk, "batch": batch.pk,
                                                      "objector": objector.strip(), "content": content.strip()},
               request=request)
        return objection


def resolve_objection(*, objection_id, actor, upheld: bool, resolution: str, request=None) -> Outcome:
    """The township decides: upheld → the household returns to 评议; dismissed → it continues."""
    resolution = (resolution or "").strip()
    with transaction.atomic():
        try:
            objection = Objection.objects.select_for_update().get(pk=objection_id)
        except Objection.DoesNotExist:
            refuse("not_found", "未找到该异议。")
        household = HouseholdLifecycle.objects.select_for_update().get(pk=objection.household_id)
        role = require_role(actor, household, stages.OBJECTION_RESOLUTION.roles, "异议处理")
        if objection.status != ObjectionStatus.OPEN:
            refuse("already_handled", "该异议已处理。", cls=AlreadyHandled)
        if objection.recorded_by_id == actor.pk:
            refuse("own_submission", "登记异议的人员不能处理该异议。", cls=NotPermitted)
        if not resolution:
            refuse("resolution_required", "须填写处理意见（核查情况与结论）。", field="resolution")
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.resolution = resolution
        objection.resolved_by = actor
        objection.resolved_at = timezone.now()
        objection.save()
        opinion = Opinion.objects.create(
            household=household, stage=household.stage, round=household.stage_round,
            step=stages.OBJECTION_RESOLUTION.code,
            decision=Decision.RETURN if upheld else Decision.APPROVE,
            text=f"异议（{objection.objector}）{'成立' if upheld else '不成立'}：{resolution}", actor=actor, role=role,
            signature_level=stages.OBJECTION_RESOLUTION.signature_level,
        )
        record(actor, "objection.resolve", household,
               {"objection": objection.pk, "upheld": upheld, "resolution": resolution}, request=request)
        moved_to = None
        if upheld and household.stage == S.NOTICE:
            conditions.forget(household)
            moved_to = move(household, "send_back", actor, request, opinion=opinion)
        return Outcome(household, opinion, moved_to)


def close_due_notices(today: date | None = None) -> dict:
    """Move every household whose notice period is over without open or upheld objection on to
    审核; close batches with nothing left to wait for. Safe to run as often as one likes."""
    today = today or timezone.localdate()
    moved, waiting = [], []
    for batch in NoticeBatch.objects.filter(closed_at__isnull=True, ends_on__lt=today).order_by("id"):
        for household in batch.households.filter(stage=S.NOTICE).order_by("pk"):
            try:
                system_advance(household.pk, step="resubmit_after_notice",
                               reason=f"公示期（{batch.posted_on:%Y-%m-%d}至{batch.ends_on:%Y-%m-%d}）届满，无异议，转入审核。")
                moved.append(household.number)
            except Refused as exc:
                waiting.append((household.number, exc.message))
        if not batch.objections.filter(status=ObjectionStatus.OPEN).exists():
            with transaction.atomic():
                NoticeBatch.objects.filter(pk=batch.pk).update(closed_at=timezone.now())
                notice_closed.send(sender=NoticeBatch, batch=batch)  # the 公示 ended: whoever listens tells people
            paperwork.after_notice_closed(batch)
    return {"moved": moved, "waiting": waiting}
