"""Village batches: review meetings (民主评议) and public notices (公示) — create them from the
eligible households, file the scans and the photo of the posted notice, print the notice, record
and resolve objections, watch the countdown, and approve the clean batch in bulk.

Batches are read where their village is in the user's scope (`registry.scope.get_object_for`);
every change goes through `workflows.households.batches`.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from documents.models import Document, Evidence
from documents.permissions import ADD_DOCUMENT
from registry.models import AdminArea, AreaLevel, Household
from registry.models import HouseholdStage as S
from registry.scope import area_q, get_object_for
from registry.views import household_rows
from workflows import acting, worklist
from workflows.households import batches, stages
from workflows.models import NoticeBatch, Objection, ObjectionStatus, ReviewMeeting

from ..forms import NoticeBatchForm, ObjectionForm, PhotoForm, ResolveObjectionForm, ReviewMeetingForm, add_violations
from . import refusal_status
from .printing import start_render

READ = "registry.view_household"
TOKENS_KEY = "approvals_form_tokens"


# --- one submission per form -------------------------------------------------------------------

def new_token(request) -> str:
    """A token for a form whose service has no natural 'already done' (recording an objection):
    a second submission of the same page is recognised and not recorded twice."""
    token = uuid.uuid4().hex
    tokens = request.session.get(TOKENS_KEY, [])[-49:]
    request.session[TOKENS_KEY] = [*tokens, token]
    return token


def use_token(request, token) -> bool:
    tokens = request.session.get(TOKENS_KEY, [])
    if not token or token not in tokens:
        return False
    tokens.remove(token)
    request.session[TOKENS_KEY] = tokens
    return True


def _villages_for(user, role):
    return (AdminArea.objects.filter(level=AreaLevel.VILLAGE)
            .filter(area_q(user, f"registry.{role}", field="code")).order_by("code")[:300])


def _village(request, role):
    villages = list(_villages_for(request.user, role))
    code = request.GET.get("village") or request.POST.get("village")
    chosen = next((v for v in villages if v.code == code), None)
    if chosen is None and len(villages) == 1:
        chosen = villages[0]
    return villages, chosen


# --- review meetings ---------------------------------------------------------------------------

@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = (ReviewMeeting.objects.filter(area_q(request.user, READ)).select_related("village", "recorded_by")
                .order_by("-held_on", "-id")[:100])
    return render(request, "approvals/meeting_list.html", {
        "meetings": meetings, "can_create": bool(_villages_for(request.user, stages.HEAD)),
    })


def _vote_rows(households, data):
    rows = []
    for h in households:
        key = str(h.pk)
        rows.append({
            "household": h, "include": data.get(f"include_{key}", "on" if not data else "") == "on",
            "agree": data.get(f"agree_{key}", ""), "against": data.get(f"against_{key}", ""),
            "abstain": data.get(f"abstain_{key}", ""), "reason": data.get(f"reason_{key}", ""),
        })
    return rows


def _votes(rows):
    votes, errors = [], []
    for row in rows:
        if not row["include"]:
            continue
        try:
            agree, against, abstain = (int(row[k] or 0) for k in ("agree", "against", "abstain"))
        except ValueError:
            errors.append(f"{row['household'].number}：票数须为整数。")
            continue
        votes.append(batches.Vote(row["household"].pk, agree=agree, against=against, abstain=abstain,
                                  reason=row["reason"].strip()))
    return votes, errors


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    villages, village = _village(request, stages.HEAD)
    if not villages:
        raise Http404("只有村委会主任可以录入民主评议。")
    households = (list(household_rows(Household.objects.visible_to(request.user).filter(village=village,
                                                                                        stage=S.REVIEW)))
                  if village else [])
    data = request.POST if request.method == "POST" else {}
    form = ReviewMeetingForm(request.POST or None, request.FILES or None,
                             initial={"held_on": timezone.localdate()})
    rows = _vote_rows(households, data)
    status = 200
    if request.method == "POST" and village is not None:
        votes, vote_errors = _votes(rows)
        if form.is_valid() and not vote_errors:
            d = form.cleaned_data
            files = {k: d[k] for k in ("meeting_minutes_scan", "sign_in_sheet") if d.get(k)}
            try:
                meeting = batches.record_review_meeting(
                    village=village, actor=request.user, held_on=d["held_on"], place=d["place"],
                    expected_members=d["expected_members"], present_members=d["present_members"], votes=votes,
                    meeting_type=d["meeting_type"], minutes=d["minutes"], files=files, request=request)
            except acting.Refused as exc:
                status = refusal_status(exc)
                if status == 409:
                    messages.info(request, exc.message)
                    return redirect(f"{reverse('approvals:meeting_new')}?village={village.code}")
                add_violations(form, [v for v in exc.violations if v.field != "votes"])
                vote_errors += [v.message for v in exc.violations if v.field == "votes"]
            else:
                passed = meeting.votes.filter(passed=True).count()
                messages.success(request, f"已录入民主评议：{len(votes)}户参加表决，{passed}户通过并进入公示阶段。")
                return redirect("approvals:meeting_detail", pk=meeting.pk)
        else:
            status = 400
        for message in vote_errors:
            form.add_error(None, message)
        if status == 200:
            status = 400
    # A browser cannot re-fill a file input: the page names the files chosen, which were not kept
    # (nothing is held on the server between two posts), and asks for them again; all else typed stays.
    reselect = [(form.fields[k].label, f.name) for k in ("meeting_minutes_scan", "sign_in_sheet")
                for f in request.FILES.getlist(k)] if status >= 400 else []
    return render(request, "approvals/meeting_new.html", {
        "villages": villages, "village": village, "form": form, "rows": rows, "reselect": reselect,
    }, status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_for(request.user, ReviewMeeting.objects.select_related("village", "recorded_by"), pk,
                             view_perm=READ)
    votes = meeting.votes.select_related("household").order_by("household__number")
    documents = _batch_documents(request.user, "review_record", [v.household_id for v in votes],
                                 meeting.recorded_at)
    return render(request, "approvals/meeting_detail.html", {
        "meeting": meeting, "votes": votes, "documents": documents,
    })


def _batch_documents(user, doc_type, household_ids, since):
    """[(document, its current version)] of one type generated for these households since then."""
    if not household_ids:
        return []
    documents = (Document.objects.filter(doc_type=doc_type, households__in=household_ids, created_at__gte=since)
                 .filter(area_q(user, READ)).distinct().prefetch_related("versions").order_by("id"))
    return [(d, max(d.versions.all(), key=lambda v: v.version)) for d in documents if d.versions.all()]


# --- notice batches (公示) ---------------------------------------------------------------------

@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = (NoticeBatch.objects.filter(area_q(request.user, READ)).select_related("village")
               .order_by("-posted_on", "-id")[:100])
    today = timezone.localdate()
    return render(request, "approvals/notice_list.html", {
        "notices": [(n, _countdown(n, today)) for n in notices],
        "can_create": bool(_villages_for(request.user, stages.CLERK)),
    })


def _eligible_for_notice(user, village):
    households = household_rows(Household.objects.visible_to(user).filter(village=village, stage=S.NOTICE))
    return [h for h in households
            if not h.notice_batches.filter(created_at__gte=h.stage_entered_at).exists()]


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    villages, village = _village(request, stages.CLERK)
    if not villages:
        raise Http404("只有村级经办人可以组织张榜公示。")
    eligible = _eligible_for_notice(request.user, village) if village else []
    form = NoticeBatchForm(request.POST or None)
    chosen = {int(x) for x in request.POST.getlist("household") if x.isdigit()} if request.method == "POST" else \
        {h.pk for h in eligible}
    status = 200
    if request.method == "POST" and village is not None:
        if form.is_valid():
            d = form.cleaned_data
            try:
                batch = batches.create_notice_batch(
                    village=village, actor=request.user, household_ids=sorted(chosen), posted_on=d["posted_on"],
                    ends_on=d["ends_on"], posted_at=d["posted_at"], request=request)
            except acting.Refused as exc:
                status = refusal_status(exc)
                if status == 409:
                    messages.info(request, exc.message)
                    return redirect("approvals:notice_list")
                field_map = {"end_date": "ends_on"}
                for v in exc.violations:
                    name = field_map.get(v.field, v.field)
                    form.add_error(name if name in form.fields else None, v.message)
            else:
                messages.success(request, f"已创建公示批次（{batch.households.count()}户），公示文书正在生成，可在本页打印。")
                return redirect("approvals:notice_detail", pk=batch.pk)
        else:
            status = 400
    return render(request, "approvals/notice_new.html", {
        "villages": villages, "village": village, "form": form, "eligible": eligible, "chosen": chosen,
    }, status=status)


def _countdown(batch, today):
    if today < batch.posted_on:
        return {"state": "pending", "text": f"尚未开始，{(batch.posted_on - today).days}天后开始"}
    if today <= batch.ends_on:
        left = (batch.ends_on - today).days
        return {"state": "running",
                "text": "公示中，今天是最后一天" if left == 0 else f"公示中，至{batch.ends_on:%m月%d日}止，还剩{left}天"}
    return {"state": "over", "text": f"已于{batch.ends_on:%Y年%m月%d日}期满"}


def _notice_for(request, pk):
    return get_object_for(request.user, NoticeBatch.objects.select_related("village", "created_by"), pk,
                          view_perm=READ)


def _notice_context(request, batch, *, photo_form=None, objection_form=None, resolve_forms=None):
    user = request.user
    today = timezone.localdate()
    households = list(household_rows(batch.households.all()))
    objections = list(batch.objections.select_related("household", "recorded_by", "resolved_by").order_by("id"))
    in_notice = [h for h in households if h.stage == S.NOTICE]
    is_clerk = acting.acting_role(user, (stages.CLERK,), batch.village) is not None
    can_resolve = acting.acting_role(user, (stages.REVIEWER, stages.LEADER), batch.village) is not None
    # The clean batch, now in 审核: the township's review of all of them in one confirmation.
    bulk_tasks = list(worklist.filter_step(
        worklist.open_tasks().filter(worklist.scope_q(user)).filter(
            **{worklist.PROCESS + "household_id__in": [h.pk for h in households]}),
        "township_review").values_list("pk", flat=True))
    resolve_forms = resolve_forms or {}
    return {
        "batch": batch,
        "countdown": _countdown(batch, today),
        "households": households,
        "objections": [(o, resolve_forms.get(o.pk) or ResolveObjectionForm(prefix=f"o{o.pk}"))
                       for o in objections],
        "open_objections": sum(1 for o in objections if o.status == ObjectionStatus.OPEN),
        "notice_documents": _batch_documents(user, "public_notice", [h.pk for h in households], batch.created_at),
        "result_documents": _batch_documents(user, "notice_result", [h.pk for h in households], batch.created_at),
        "is_clerk": is_clerk,
        "can_resolve": can_resolve,
        "photo_form": photo_form or (PhotoForm() if is_clerk and in_notice else None),
        "objection_form": objection_form or (
            ObjectionForm(households=households, initial={"token": new_token(request)})
            if is_clerk and batch.posted_on <= today <= batch.ends_on else None),
        "bulk_tasks": bulk_tasks,
        "can_print_forms": all(user.has_perm(ADD_DOCUMENT, h) for h in households) and households,
        "photo_count": _photo_count(batch, households),
    }


def _photo_count(batch, households):
    return (Evidence.objects.filter(household__in=[h.pk for h in households], kind="posted_notice_photo",
                                    uploaded_at__gte=batch.created_at, withdrawn_at__isnull=True)
            .values("household").distinct().count())


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _notice_for(request, pk)
    return render(request, "approvals/notice_detail.html", _notice_context(request, batch))


@login_required
@require_POST
def notice_photo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _notice_for(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            batches.file_notice_photo(batch_id=batch.pk, actor=request.user, upload=form.cleaned_data["photo"],
                                      request=request)
        except acting.Refused as exc:
            if refusal_status(exc) == 409:
                messages.info(request, exc.message)
                return redirect("approvals:notice_detail", pk=batch.pk)
            form.add_error("photo", exc.message)
        except ValidationError as exc:  # the evidence store refuses bad files (type, size, name)
            form.add_error("photo", "；".join(exc.messages))
        else:
            messages.success(request, "已上传公示张贴照片，并归入本批次每一户的材料。")
            return redirect("approvals:notice_detail", pk=batch.pk)
    return render(request, "approvals/notice_detail.html", _notice_context(request, batch, photo_form=form),
                  status=400)


@login_required
@require_POST
def notice_objection(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _notice_for(request, pk)
    households = list(household_rows(batch.households.all()))
    form = ObjectionForm(request.POST, households=households)
    if form.is_valid():
        if not use_token(request, form.cleaned_data["token"]):
            messages.info(request, "该异议已登记（重复提交未再次登记）。")
            return redirect("approvals:notice_detail", pk=batch.pk)
        d = form.cleaned_data
        try:
            batches.record_objection(batch_id=batch.pk, household_id=d["household"], actor=request.user,
                                     objector=d["objector"], content=d["content"], request=request)
        except acting.Refused as exc:
            form.data = form.data.copy()
            form.data["token"] = new_token(request)
            add_violations(form, exc.violations)
        else:
            messages.success(request, "已登记异议，待乡镇核查处理。")
            return redirect("approvals:notice_detail", pk=batch.pk)
    return render(request, "approvals/notice_detail.html",
                  _notice_context(request, batch, objection_form=form), status=400)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_for(request.user, Objection.objects.select_related("batch"), pk, view_perm=READ)
    batch = _notice_for(request, objection.batch_id)
    form = ResolveObjectionForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            outcome = batches.resolve_objection(objection_id=objection.pk, actor=request.user,
                                                upheld=form.cleaned_data["upheld"],
                                                resolution=form.cleaned_data["resolution"], request=request)
        except acting.Refused as exc:
            if refusal_status(exc) == 409:
                messages.info(request, exc.message)
                return redirect("approvals:notice_detail", pk=batch.pk)
            add_violations(form, exc.violations)
        else:
            moved = "，该户退回评议阶段" if outcome.moved_to else ""
            messages.success(request, f"已处理异议{moved}。")
            return redirect("approvals:notice_detail", pk=batch.pk)
    return render(request, "approvals/notice_detail.html",
                  _notice_context(request, batch, resolve_forms={objection.pk: form}), status=400)


@login_required
@require_POST
def notice_print_forms(request: HttpRequest, pk: int) -> HttpResponse:
    """The application forms of every household of the batch, rendered in the background."""
    batch = _notice_for(request, pk)
    households = list(batch.households.order_by("number"))
    return start_render(request, doc_type="application_form", households=households,
                        back_url=reverse("approvals:notice_detail", args=[batch.pk]))
