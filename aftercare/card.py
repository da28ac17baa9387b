"""What the 后扶帮扶卡 prints from aftercare's records (plugged into workflows' card type at start-up:
aftercare/apps.py): the year's quarterly income table, each quarter's employment changes and
measures, who filled it in and when the head signed, each member's current job, the trainings.

    follow_up_card_records(household, 2026) -> {"line": "6000.00", "quarters": [...], "members": {...}, ...}

Plain strings only: the document engine renders what it is given and keeps nothing else."""

import datetime

from django.utils import timezone

from documents.models import Document
from documents.services import regenerate_document
from documents.types.common import chinese_date
from registry.people import display_name
from registry.policy import Violation
from workflows.acting import Refused
from workflows.households.document_types import follow_up

from .employment import current_records
from . import support
from .income import QUARTER_LABELS, quarter_start, year_summary
from .models import EmploymentRecord, EmploymentStatus, TrainingRecord


def _yuan(value) -> str:
    return "" if value is None else f"{value:.2f}"


def job_text(entry: EmploymentRecord | None) -> str:
    if entry is None:
        return ""
    if entry.status == EmploymentStatus.NONE:
        return f"{entry.month:%Y年%m月}：未就业（{entry.note}）"
    parts = [entry.get_status_display(), entry.get_place_display(), entry.employer, entry.post]
    income = f"{entry.monthly_income:.0f}元/月" if entry.monthly_income else ""
    return "·".join(p for p in [*parts, income] if p) + f"（{entry.month:%Y年%m月}）"


def employment_changes(household, year: int) -> dict[int, list[str]]:
    """{quarter: ["王大山 4月 务工→未就业", ...]}: each month's update whose status differs from the
    member's previous update (the first update of a member counts as a change from nothing)."""
    changes: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    previous: dict[int, str] = {}
    for entry in (EmploymentRecord.objects.filter(household=household, month__year__lte=year)
                  .select_related("member").order_by("member_id", "month", "id")):
        before = previous.get(entry.member_id)
        previous[entry.member_id] = entry.status
        if entry.month.year != year or before == entry.status:
            continue
        label = entry.get_status_display()
        was = EmploymentStatus(before).label if before else "登记"
        changes[(entry.month.month - 1) // 3 + 1].append(f"{entry.member.name} {entry.month.month}月 {was}→{label}")
    return changes


def measures_by_quarter(household, year: int) -> dict[int, str]:
    """The support plan in force at each quarter's end (or now, for the quarter under way)."""
    found = {}
    for q in (1, 2, 3, 4):
        end = datetime.datetime.combine(quarter_start(year + (q == 4), 1 if q == 4 else q + 1), datetime.time.min)
        moment = min(timezone.make_aware(end), timezone.now())
        plan = support.plan_at(household, moment)
        if plan is not None:
            text = "、".join(plan.measure_labels)
            found[q] = f"{text}：{plan.measure_note}" if plan.measure_note else text
    return found


def plan_and_checklist(household) -> dict:
    plan = support.current_plan(household)
    listed = support.checklist(household)
    return {
        "plan": {"channels": plan.income_channels, "measures": "、".join(plan.measure_labels),
                 "note": plan.measure_note, "land": "；".join(plan.land_texts) or "未填写",
                 "version": plan.version} if plan else None,
        "continuity": [{"label": i["label"], "state": i["check"].get_state_display() if i["check"] else "未确认",
                        "date": chinese_date(i["check"].done_on) if i["check"] else "",
                        "confirmed_by": i["check"].confirmed_by if i["check"] else ""} for i in listed["items"]],
        "continuity_complete": listed["complete"],
    }


def follow_up_card_records(household, year: int) -> dict:
    summary = year_summary(household, year)
    changes = employment_changes(household, year)
    measures = measures_by_quarter(household, year)
    members = list(household.members.all())
    quarters = []
    for row in summary["quarters"]:
        report, q = row["report"], row["quarter"]
        entry = {"label": QUARTER_LABELS[q], "filled": report is not None, "changes": "；".join(changes[q]),
                 "measures": measures.get(q, ""), "per_capita": "", "recorder": "", "signed_on": "",
                 "blank_text": "未填报"}
        if report is not None:
            entry.update(
                wage=_yuan(report.wage), public_post=_yuan(report.public_post),
                business_net=_yuan(report.business_gross - report.business_cost),
                property_income=_yuan(report.property_income), transfer=_yuan(report.transfer),
                ytd_net=_yuan(row["ytd_net"]), persons=report.persons, per_capita=_yuan(row["per_capita"]),
                line=_yuan(row["line"]), below_line=row["below_line"],
                recorder=display_name(report.recorded_by), signed_on=chinese_date(report.head_signed_on))
        quarters.append(entry)
    # The card's own employment warning (registry.policy.check_employment) already names a household
    # without a job; these add what only the records know.
    warnings, notes = [], []
    if summary["below_line"]:
        latest = summary["latest"]
        warnings.append(f"截至{latest['label']}人均纯收入 {_yuan(latest['per_capita'])} 元，"
                        f"低于累计监测线 {_yuan(latest['line'])} 元。")
    if summary["missing"]:
        notes.append(f"{year}年已结束尚未填报的季度：" + "、".join(summary["missing"]) + "。")
    training = [{"name": t.member.name, "project": t.project,
                 "dates": f"{t.start_date:%Y-%m-%d} 至 {t.end_date:%Y-%m-%d}", "certificate": t.certificate}
                for t in TrainingRecord.objects.filter(household=household).select_related("member")
                .order_by("start_date", "id")]
    if not support.checklist(household)["complete"]:
        notes.append("接续事项尚未全部确认：" + "、".join(support.checklist(household)["missing"]) + "。")
    return {"line": _yuan(summary["line"]), "quarters": quarters, "warnings": warnings, "notes": notes,
            "training": training, **plan_and_checklist(household),
            "members": {pk: job_text(entry) for pk, entry in current_records(members).items()}}


def latest_card(household) -> Document | None:
    return (Document.objects.filter(household=household, doc_type=follow_up.SPEC.code)
            .prefetch_related("versions").order_by("-id").first())


def print_card(*, actor, household, year: int, request=None):
    """A new version of the household's 后扶帮扶卡 (same 文号) with `year`'s records. The card itself is
    generated when the case enters 后扶 (workflows' paperwork); before that there is none to print."""
    card = latest_card(household)
    if card is None:
        raise Refused(Violation("no_card", "household", "该户尚未生成后扶帮扶卡（进入后扶阶段时生成），暂不能打印。"))
    return regenerate_document(card, actor=actor, reason=f"按{year}年度后扶记录（季度收入、就业、帮扶措施）更新",
                               request=request, year=year)
