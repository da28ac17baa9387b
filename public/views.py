"""The public window (issue 22 item 5; no login): the 公示 now running in each village, masked as
printed, and a household's own status looked up by household number + the head's full ID number.
Every page counts against PUBLIC_RATE per address (429 past it: no guessing numbers); every lookup
is an audit event with the ID masked; a wrong pair, an unknown number and a malformed one all get
the same answer."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from accounts.ratelimit import over_limit
from audit.log import record
from documents.masking import assert_public_context
from documents.types import Subject
from documents.types.notice import build_context
from registry.idnumbers import mask_id_number
from workflows.models import NoticeBatch

from . import status

NOT_FOUND = "未查到与该户编号和户主身份证号码相符的搬迁户，请核对后重新输入，或咨询所在村村民委员会。"


def _headers(response):
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _limited(request):
    if over_limit(request, "public", settings.PUBLIC_RATE):
        response = render(request, "public/limited.html", status=429)
        response["Retry-After"] = "60"
        return _headers(response)
    return None


def running_batches():
    today = timezone.localdate()
    return (NoticeBatch.objects.filter(closed_at__isnull=True, posted_on__lte=today, ends_on__gte=today)
            .select_related("village__parent"))


@never_cache
def index(request):
    if (limited := _limited(request)) is not None:
        return limited
    typed = (request.GET.get("village") or "").strip()[:20]
    batches = running_batches()
    if typed:
        batches = batches.filter(village__name__contains=typed)
    rows = list(batches.order_by("village__code", "-posted_on")[:50])
    return _headers(render(request, "public/index.html", {"batches": rows, "typed": typed}))


@never_cache
def notice(request, pk):
    if (limited := _limited(request)) is not None:
        return limited
    batch = running_batches().filter(pk=pk).first()
    if batch is None:
        raise Http404("未找到正在公示的名单。")
    households = tuple(batch.households.select_related("site", "responsible_cadre").prefetch_related("members")
                       .order_by("number"))
    days = (batch.ends_on - batch.posted_on).days + 1
    context = build_context(Subject(area_code=batch.village.code, households=households, area=batch.village),
                            public=True, start_date=batch.posted_on, days=max(days, settings.POLICY_NOTICE_MIN_DAYS))
    context["end_date_text"] = f"{batch.ends_on:%Y年%m月%d日}"
    assert_public_context(context)  # nothing unmasked reaches the page (documents/masking.py)
    return _headers(render(request, "public/notice.html", {"notice": context, "village": batch.village.name,
                                                           "posted_at": batch.posted_at}))


class LookupForm(forms.Form):
    number = forms.CharField(label="户编号", max_length=20, error_messages={"required": "请填写户编号。"},
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
    id_number = forms.CharField(label="户主身份证号码", max_length=20, error_messages={"required": "请填写户主身份证号码。"},
                                widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


@never_cache
@csrf_protect
def lookup(request):
    if (limited := _limited(request)) is not None:
        return limited
    form = LookupForm(request.POST or None)
    found = error = None
    if request.method == "POST" and form.is_valid():
        typed_number = form.cleaned_data["number"].strip()
        try:
            number, id_number = status.clean(typed_number, form.cleaned_data["id_number"])
        except ValidationError:
            household, masked = None, ""
        else:
            household, masked = status.find(number, id_number), mask_id_number(id_number)
        # Logged without the ID in clear (masked as on a notice), found or not.
        record(None, "public.lookup", household, {"household_number": typed_number[:20], "id_masked": masked,
                                                  "found": household is not None}, request=request)
        if household is None:
            error = NOT_FOUND
        else:
            found = status.describe(household)
        form = LookupForm()  # the ID number is not sent back into the page
    return _headers(render(request, "public/lookup.html", {"form": form, "found": found, "error": error}))
