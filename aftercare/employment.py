"""The employment ledger (就业台账) and training records of members with labour.

    record_employment(actor=officer, member=m, month=date(2026, 3, 1), status="wage", place="in_province", ...)
    record_training(actor=officer, member=m, project="家政服务", start_date=..., end_date=...)

One transaction each, the household row locked (workflows.acting.lock_household), the recorder's
post checked (access.require_recorder), every rule checked before anything is written (Refused with
Chinese messages), an audit event on the household. A month's update is a new row; the member's
registry field 就业状况 follows the latest month so that the registry's rule (policy.check_employment)
and the 后扶 card read the same state.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit.log import record
from registry.models import EMPLOYED, LABOUR_WITH_ABILITY, Employment, Member
from registry.policy import Violation
from workflows.acting import Refused, lock_household

from .access import require_recorder
from .models import EmploymentRecord, EmploymentStatus, TrainingRecord, WorkPlace

FIRST_MONTH = datetime.date(2016, 1, 1)  # the 13th five-year plan's relocation starts in 2016
MAX_MONTHLY_INCOME = Decimal("100000")
NO_JOB_FLAG = "未实现一户一人就业"


def registry_employment(status: str, place: str) -> str:
    """The registry's coarser 就业状况 for a ledger status."""
    if status == EmploymentStatus.WAGE:
        return Employment.LOCAL if place == WorkPlace.IN_COUNTY else Employment.MIGRANT
    return {
        EmploymentStatus.PUBLIC_POST: Employment.PUBLIC_POST,
        EmploymentStatus.WORKSHOP: Employment.LOCAL,
        EmploymentStatus.BUSINESS: Employment.SELF_EMPLOYED,
        EmploymentStatus.FLEXIBLE: Employment.LOCAL,
    }.get(status, Employment.UNEMPLOYED)


def _month_end(month: datetime.date) -> datetime.date:
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def has_labour(member: Member) -> bool:
    return member.labour_ability in LABOUR_WITH_ABILITY


def employment_violations(member: Member, *, month, status, place="", employer="", post="", months=0,
                          monthly_income=None, channel="", start_date=None, end_date=None, note="",
                          today=None) -> list[Violation]:
    """Every reason the update cannot be recorded, in Chinese (empty: it can)."""
    today = today or timezone.localdate()
    found = []

    def bad(code, field, message):
        found.append(Violation(code, field, message))

    if not has_labour(member):
        bad("no_labour", "member", f"{member.name}为{member.get_labour_ability_display()}，就业台账只记有劳动能力的成员。")
    if status not in EmploymentStatus.values:
        bad("status", "status", "请选择就业状态。")
    if month is None:
        bad("month", "month", "请填写更新月份。")
    else:
        if month.day != 1:
            bad("month", "month", "更新月份须为某月1日（按月更新）。")
        if month > today:
            bad("month_future", "month", "更新月份不能晚于本月。")
        if month < FIRST_MONTH:
            bad("month_early", "month", "更新月份不能早于2016年1月。")
    if not 0 <= (months or 0) <= 12:
        bad("months", "months", "本年务工月数须在0到12之间。")
    if monthly_income is not None and not Decimal("0") <= monthly_income <= MAX_MONTHLY_INCOME:
        bad("income", "monthly_income", "月收入须在0到100000元之间。")
    if start_date and end_date and end_date < start_date:
        bad("dates", "end_date", "就业终止日期不能早于起始日期。")
    if status == EmploymentStatus.NONE:
        if place or employer or post or channel or monthly_income:
            bad("none_with_job", "status", "状态为未就业时，不填就业地域、单位、岗位、渠道和月收入。")
        if not (note or "").strip():
            bad("reason", "note", "未就业须填写原因（如：照料家人、正在培训、求职中）。")
    elif status in EmploymentStatus.values:
        if not place:
            bad("place", "place", "已就业须选择就业地域（县内、省内县外、省外）。")
        if not channel:
            bad("channel", "channel", "已就业须选择就业渠道。")
        if status != EmploymentStatus.FLEXIBLE and not (employer or "").strip():
            bad("employer", "employer", "须填写就业单位（自主创业填写经营项目或字号）。")
        if not monthly_income:
            bad("income_missing", "monthly_income", "已就业须填写月收入（大于0）。")
        if not 1 <= (months or 0) <= 12:
            bad("months_missing", "months", "已就业须填写本年务工月数（1到12）。")
        if start_date is None:
            bad("start", "start_date", "已就业须填写就业起始日期。")
        elif month is not None and start_date > _month_end(month):
            bad("start_late", "start_date", "就业起始日期晚于更新月份：请按实际月份填报。")
        if end_date is not None and month is not None and end_date < month:
            bad("ended", "end_date", "就业终止日期早于更新月份，该月应填报为未就业。")
    return found


def record_employment(*, actor, member: Member, month, status, place="", employer="", post="", months=0,
                      monthly_income=None, channel="", start_date=None, end_date=None, note="",
                      request=None) -> EmploymentRecord:
    """Append one month's employment of a member with labour (locks the household row)."""
    with transaction.atomic():
        household = lock_household(member.household_id)
        require_recorder(actor, household, "更新就业台账")
        member = household.members.get(pk=member.pk)
        fields = dict(month=month, status=status, place=place or "", employer=(employer or "").strip(),
                      post=(post or "").strip(), months=months or 0, monthly_income=monthly_income,
                      channel=channel or "", start_date=start_date, end_date=end_date, note=(note or "").strip())
        violations = employment_violations(member, **fields)
        if violations:
            raise Refused(violations)
        entry = EmploymentRecord.objects.create(household=household, member=member, area_code=household.area_code,
                                                recorded_by=actor, **fields)
        latest = current_records([member])[member.pk]
        if latest.pk == entry.pk:  # a late entry for an earlier month leaves the current state alone
            before = member.employment
            after = registry_employment(status, fields["place"])
            Member.objects.filter(pk=member.pk).update(employment=after)
        else:
            before = after = member.employment
        record(actor, "aftercare.employment", household, {
            "member": member.name, "month": month.strftime("%Y-%m"), "job_status": entry.get_status_display(),
            "job_place": entry.get_place_display(), "employer": entry.employer, "job_post": entry.post,
            "monthly_income": str(monthly_income or ""), "job_channel": entry.get_channel_display(),
            "employment": Employment(after).label if before != after else "",
        }, request)
    return entry


def record_training(*, actor, member: Member, project, start_date, end_date, certificate="",
                    request=None) -> TrainingRecord:
    """Append a training record (004: 劳动力必须全员培训)."""
    with transaction.atomic():
        household = lock_household(member.household_id)
        require_recorder(actor, household, "登记培训")
        member = household.members.get(pk=member.pk)
        found = []
        if not has_labour(member):
            found.append(Violation("no_labour", "member", f"{member.name}无劳动能力，培训记录只记有劳动能力的成员。"))
        if not (project or "").strip():
            found.append(Violation("project", "project", "请填写培训项目。"))
        if start_date is None or end_date is None:
            found.append(Violation("dates", "start_date", "请填写培训起止日期。"))
        else:
            if end_date < start_date:
                found.append(Violation("dates", "end_date", "培训结束日期不能早于开始日期。"))
            if end_date > timezone.localdate():
                found.append(Violation("future", "end_date", "培训结束后再登记：结束日期不能晚于今天。"))
        if found:
            raise Refused(found)
        entry = TrainingRecord.objects.create(household=household, member=member, area_code=household.area_code,
                                              project=project.strip(), start_date=start_date, end_date=end_date,
                                              certificate=(certificate or "").strip(), recorded_by=actor)
        record(actor, "aftercare.training", household, {
            "member": member.name, "project": entry.project, "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(), "certificate": entry.certificate}, request)
    return entry


def current_records(members) -> dict[int, EmploymentRecord | None]:
    """{member pk: the latest month's record (the last entered wins within a month), or None}."""
    pks = [m.pk for m in members]
    latest: dict[int, EmploymentRecord | None] = dict.fromkeys(pks)
    for entry in EmploymentRecord.objects.filter(member_id__in=pks).order_by("member_id", "month", "id"):
        latest[entry.member_id] = entry
    return latest


def household_flags(members) -> dict:
    """The household's employment figures and its flag (seeds 002/004: a household with labour has
    at least one member employed; formats.md §3.2 "未实现一户一人就业")."""
    members = list(members)
    labour = [m for m in members if has_labour(m)]
    employed = [m for m in members if m.employment in EMPLOYED]
    return {"labour": len(labour), "employed": len(employed), "no_job": bool(labour) and not employed,
            "no_job_label": NO_JOB_FLAG}
