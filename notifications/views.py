"""The pages of notifications (issue 22): the list behind the bell, mark read, the channels each
kind reaches the user by, 代理 (delegation), the inbox's saved views, and the escalations a
supervising post is shown (逾期督办)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import delegation, escalation
from .forms import ChannelsForm, DelegationForm, SavedViewForm
from .models import ChannelChoice, Contact, Delegation, Notification, SavedView
from .service import mark_read

PAGE = 50


@login_required
def notice_list(request):
    qs = Notification.objects.filter(user=request.user).select_related("on_behalf_of")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    before = request.GET.get("before", "")
    if before.isdigit():
        qs = qs.filter(pk__lt=int(before))
    rows = list(qs.order_by("-id")[: PAGE + 1])
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return render(request, "notifications/list.html", {
        "notices": rows, "next_before": rows[-1].pk if more else None, "unread_only": bool(request.GET.get("unread")),
    })


@login_required
@require_POST
def read(request):
    """Mark one notice (`id`) or all of the user's notices read."""
    raw = request.POST.get("id", "")
    if raw and not raw.isdigit():
        raise Http404("未找到该消息。")
    n = mark_read(request.user, [int(raw)] if raw else None)
    if not raw:
        messages.success(request, f"已将 {n} 条消息标为已读。")
    return redirect("notifications:list")


@login_required
def open_notice(request, pk):
    """Follow a notice's link, marking it read (another user's notice does not exist here)."""
    notice = Notification.objects.filter(user=request.user, pk=pk).first()
    if notice is None:
        raise Http404("未找到该消息。")
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    link = notice.link if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None) else ""
    return redirect(link or "notifications:list")


@login_required
def channels(request):
    chosen = set(ChannelChoice.objects.filter(user=request.user).values_list("kind", "channel"))
    contact = Contact.objects.filter(user=request.user).first()
    form = ChannelsForm(request.POST or None, chosen=chosen, initial={"mobile": contact.mobile if contact else ""})
    if request.method == "POST" and form.is_valid():
        wanted = form.chosen()
        if any(c == "sms" for _, c in wanted) and not form.cleaned_data["mobile"]:
            form.add_error("mobile", "选择短信提醒须填写手机号码。")
        elif any(c == "email" for _, c in wanted) and not request.user.email:
            form.add_error(None, "您的账户没有登记电子邮箱，无法选择邮件提醒，请联系系统管理员登记。")
        else:
            with transaction.atomic():
                ChannelChoice.objects.filter(user=request.user).delete()
                ChannelChoice.objects.bulk_create([ChannelChoice(user=request.user, kind=k, channel=c)
                                                   for k, c in sorted(wanted)])
                Contact.objects.update_or_create(user=request.user, defaults={"mobile": form.cleaned_data["mobile"]})
            messages.success(request, "提醒方式已保存。")
            return redirect("notifications:channels")
    return render(request, "notifications/channels.html", {"form": form})


@login_required
def delegations(request):
    form = DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegation.create(principal=request.user, delegate=form.cleaned_data["delegate"],
                              starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
                              reason=form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "代理已设置。")
            return redirect("notifications:delegations")
    mine = Delegation.objects.filter(principal=request.user).select_related("delegate")[:50]
    taken = Delegation.objects.filter(delegate=request.user).select_related("principal")[:50]
    return render(request, "notifications/delegations.html", {
        "form": form, "given": mine, "taken": taken, "today": timezone.localdate()})


@login_required
@require_POST
def revoke_delegation(request, pk):
    found = Delegation.objects.filter(principal=request.user, pk=pk).first()
    if found is None:
        raise Http404("未找到该代理。")
    delegation.revoke(found, actor=request.user, request=request)
    messages.success(request, "代理已撤销。")
    return redirect("notifications:delegations")


@login_required
def saved_views(request):
    form = SavedViewForm(request.POST or None, user=request.user,
                         initial={"query": request.GET.get("query", "")})
    if request.method == "POST" and form.is_valid():
        SavedView.objects.create(user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"])
        messages.success(request, f"已保存视图“{form.cleaned_data['name']}”。")
        return redirect("notifications:views")
    inbox = reverse("approvals:inbox")
    views = [(v, f"{inbox}?{v.query}") for v in SavedView.objects.filter(user=request.user)[:50]]
    return render(request, "notifications/views.html", {"form": form, "views": views,
                                                        "query": request.GET.get("query", "")})


@login_required
@require_POST
def delete_view(request, pk):
    deleted, _ = SavedView.objects.filter(user=request.user, pk=pk).delete()
    if not deleted:
        raise Http404("未找到该视图。")
    messages.success(request, "视图已删除。")
    return redirect("notifications:views")


@login_required
def escalations(request):
    rows = escalation.visible_to(request.user)
    if rows is None:
        raise Http404("您的岗位不负责逾期督办。")
    return render(request, "notifications/escalations.html", {"rows": rows})
