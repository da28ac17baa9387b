"""What causes a notice (issue 22 item 1). Every receiver runs inside the transaction of its cause —
a task's creation, an audit event's write, a notice batch's closing — so the notice commits or
vanishes with it (sending happens after commit, service.notify).

- a task opened for a post: `task_arrived`, or `case_returned` when the case was just sent back
  (viewflow's Task, post_save: created);
- a case sent back into a stage without tasks (评议): `case_returned` to the post that acts there;
- audit events: finding filed / sent back / closed, objection recorded, a document that finally
  failed to render (the official who made the move that owed it);
- workflows.households.signals.notice_closed: the 公示 ended.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from viewflow.workflow.models import Task

from audit.models import AuditEvent
from documents.models import RenderOrder
from registry.models import Household, Member, Relation, ResettlementSite
from registry.models import HouseholdStage as S
from supervision.models import Finding
from workflows import labels
from workflows.households import stages
from workflows.households.signals import notice_closed
from workflows.models import HouseholdProcess, Opinion, SiteOpinion, SiteProcess
from workflows.models.households import Decision

from .models import Kind
from .recipients import holders, holders_of_any
from .service import notify


def household_label(household) -> str:
    head = Member.objects.filter(household=household, relation=Relation.HEAD).values_list("name", flat=True).first()
    return f"搬迁户 {household.number}" + (f"（户主 {head}）" if head else "")


def case_link(case) -> str:
    if isinstance(case, Household):
        return reverse("approvals:case", args=[case.pk])
    return reverse("approvals:site", args=[case.pk])


def _case_of_process(process_id):
    found = HouseholdProcess.objects.filter(pk=process_id).select_related("household").first()
    if found is not None:
        return found.household, found.area_code
    found = SiteProcess.objects.filter(pk=process_id).select_related("site").first()
    if found is not None:
        return found.site, found.area_code
    return None, ""


def _about(process):
    """(case, area code, what it is called, last opinion) of a process's case. Asked once per
    process activation: the tasks a step opens together share their process object, so the second
    and third task of a split cost no query for it (issue 18: a transition's queries)."""
    memo = getattr(process, "_notify_about", None)
    if memo is not None:
        return memo
    if isinstance(process, HouseholdProcess) and "household" in process._state.fields_cache:
        case, area_code = process.household, process.area_code
    else:
        case, area_code = _case_of_process(process.pk)
    if isinstance(case, Household):
        last = Opinion.objects.filter(household=case).order_by("-id").values_list("decision", "text").first()
        what = household_label(case)
    elif case is not None:
        last = SiteOpinion.objects.filter(site=case).order_by("-id").values_list("decision", "text").first()
        what = f"安置点 {case.name}"
    else:
        last, what = None, ""
    memo = process._notify_about = (case, area_code, what, last)
    return memo


@receiver(post_save, sender=Task, dispatch_uid="notifications.task_opened")
def task_opened(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.flow_task_type != "HUMAN" or not instance.owner_permission:
        return
    # The process object of the activation when the task was made with it (no query), else by id.
    process = instance._state.fields_cache.get("process") or Task.process.field.related_model(pk=instance.process_id)
    case, area_code, what, last = _about(process)
    if case is None:
        return
    role = instance.owner_permission.partition(".")[2]
    code = instance.flow_task.name if instance.flow_task else ""
    step = labels.task_title(code)
    # Opened by a return when the case's last opinion sent it back (the new round's first task).
    returned = last is not None and last[0] == Decision.RETURN
    if returned:
        notify(holders(role, area_code), Kind.CASE_RETURNED, key=f"task:{instance.pk}",
               title=f"案件被退回：{what}", body=f"退回至“{step}”。退回意见：{last[1]}",
               link=case_link(case), area_code=area_code)
    else:
        notify(holders(role, area_code), Kind.TASK_ARRIVED, key=f"task:{instance.pk}",
               title=f"新任务：{step}", body=f"{what}待您所在岗位办理。", link=case_link(case), area_code=area_code)


def _finding_target(finding) -> str:
    if finding.household_id:
        return household_label(finding.household)
    if finding.site_id:
        return f"安置点 {finding.site.name}"
    return "本辖区"


FINDING_EVENTS = {
    "finding.file": (Kind.FINDING_FILED, "督查问题交办：#{pk} {target}", "请于{deadline:%Y年%m月%d日}前整改并反馈：{text}"),
    "finding.send_back": (Kind.FINDING_SENT_BACK, "督查问题退回重新整改：#{pk} {target}", "退回理由：{text}"),
    "finding.close": (Kind.FINDING_CLOSED, "督查问题已销号：#{pk} {target}", "{text}"),
}


def _on_finding(event):
    kind, title, body = FINDING_EVENTS[event.action]
    finding = Finding.objects.select_related("household", "site").filter(pk=event.target_id).first()
    if finding is None:
        return
    text = event.data.get("reason") or finding.description
    fields = {"pk": finding.pk, "target": _finding_target(finding), "deadline": finding.deadline, "text": text}
    key = f"finding:{finding.pk}" if kind == Kind.FINDING_FILED else f"finding:{finding.pk}:event:{event.pk}"
    notify(holders(finding.responsible_role, finding.responsible_area_code), kind, key=key,
           title=title.format(**fields), body=body.format(**fields),
           link=reverse("supervision:finding", args=[finding.pk]), area_code=finding.area_code)


def _on_objection(event):
    household = Household.objects.filter(pk=event.target_id).first()
    if household is None:
        return
    notify(holders_of_any(stages.OBJECTION_RESOLUTION.roles, household.area_code), Kind.OBJECTION_FILED,
           key=f"objection:{event.data.get('objection')}", title=f"公示异议待处理：{household_label(household)}",
           body=f"异议人：{event.data.get('objector', '')}；异议内容：{event.data.get('content', '')}",
           link=case_link(household), area_code=household.area_code)


def _on_render_failed(event):
    order = RenderOrder.objects.select_related("actor", "household", "site").filter(pk=event.data.get("order")).first()
    if order is None or order.status != RenderOrder.Status.FAILED or order.actor is None:
        return  # still being retried, or a move of the system's own
    case = order.site or order.household
    notify([order.actor], Kind.RENDER_FAILED, key=f"render:{order.pk}",
           title=f"文书生成失败：{order.doc_type}", body="多次重试仍未生成，请在“待生成文书”中重新生成。",
           link=reverse("approvals:owed_documents") if case is None else case_link(case),
           area_code=getattr(case, "area_code", ""), delegates=False)


def _on_stage_change(event):
    """A case sent back into 评议 (an upheld objection) has no task: tell the village head."""
    if event.data.get("transition") != "send_back" or event.data.get("to") != S.REVIEW:
        return
    household = Household.objects.filter(pk=event.target_id).first()
    if household is None:
        return
    notify(holders(stages.REVIEW_MEETING.roles[0], household.area_code), Kind.CASE_RETURNED,
           key=f"returned:{household.pk}:event:{event.pk}", title=f"案件被退回：{household_label(household)}",
           body="公示异议成立，退回民主评议。", link=case_link(household), area_code=household.area_code)


AUDIT_HANDLERS = {**{action: _on_finding for action in FINDING_EVENTS},
                  "objection.record": _on_objection, "document.render_failed": _on_render_failed,
                  "household.stage_change": _on_stage_change}


@receiver(post_save, sender=AuditEvent, dispatch_uid="notifications.audit_event")
def audit_event(sender, instance, created, raw=False, **kwargs):
    handler = AUDIT_HANDLERS.get(instance.action)
    if created and not raw and handler is not None:
        handler(instance)


@receiver(notice_closed, dispatch_uid="notifications.notice_closed")
def on_notice_closed(sender, batch, **kwargs):
    village = batch.village
    notify(holders(stages.CLERK, village.code) + holders(stages.HEAD, village.code), Kind.NOTICE_ENDED,
           key=f"notice:{batch.pk}", title=f"公示期满：{village.name}（{batch.posted_on:%m月%d日}—{batch.ends_on:%m月%d日}）",
           body="公示期已届满，无异议的搬迁户已转入审核；请整理公示结果归档。",
           link=reverse("approvals:notice_detail", args=[batch.pk]), area_code=village.code)
