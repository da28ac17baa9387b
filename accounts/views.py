"""Sign-in in two steps, enrolment of the second factor, password change, and the security
administrator's recovery page.

The password step does not sign the user in: it remembers who passed it (in the session, for
ACCOUNTS_LOGIN_STEP_SECONDS) and asks for the second factor — enrolment first if the user has no
authenticator yet. Only when the code is right does Django's login() run, with django-otp's
login() marking the session as verified; so no page ever sees a session with one factor.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor, spraying
from accounts.duties import duty_of
from accounts.forms import CODE_HELP, CodeForm, ResetForm
from accounts.models import AccountSecurity, Duty
from audit.log import record
from registry.views import PasswordChangeView as AuditedPasswordChangeView

PENDING = "accounts_pending_login"
NEW_CODES = "accounts_new_backup_codes"


def _pending_user(request):
    """The user who passed the password step in this session, within the allowed time."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > settings.ACCOUNTS_LOGIN_STEP_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def _next_url(request, pending) -> str:
    target = (pending or {}).get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


class PasswordStepView(auth_views.LoginView):
    """Step one: username and password (axes counts failures per username and address; the
    spraying guard counts usernames per address)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if spraying.address_blocked(request):
            record(None, "auth.spraying_blocked", None, {"username": request.POST.get("username", "")[:150]},
                   request=request)
            form = self.get_form()
            form.errors.clear()
            return self.render_to_response(self.get_context_data(form=form, spraying_blocked=True), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        request = self.request
        request.session.cycle_key()  # a fresh session id for the half-signed-in state
        request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(),
                                    "next": self.get_redirect_url()}
        if second_factor.is_enrolled(user):
            return redirect("accounts:verify")
        return redirect("accounts:enrol")


def _complete_login(request, user, device, pending) -> None:
    auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)
    request.session.pop(PENDING, None)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the user's authenticator, or one backup code."""
    user = _pending_user(request)
    if user is None:
        messages.warning(request, "登录已超时，请重新输入用户名和密码。")
        return redirect("login")
    if not second_factor.is_enrolled(user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    locked = second_factor.locked_until(user)
    if request.method == "POST" and not locked and form.is_valid():
        outcome = second_factor.verify_login_code(user, form.cleaned_data["code"], request=request)
        if outcome.device is not None:
            pending = request.session[PENDING]
            _complete_login(request, user, outcome.device, pending)
            if outcome.used_backup_code:
                messages.warning(request, "您使用了一个备用验证码（每个只能用一次）。如手机遗失，请尽快联系安全管理员重置。")
            return redirect(_next_url(request, pending))
        locked = second_factor.locked_until(user)
        if not locked:
            form.add_error("code", "验证码不正确或已使用，请重新输入。")
    status = 429 if locked else 200
    return render(request, "accounts/verify.html", {"form": form, "locked_until": locked, "help": CODE_HELP},
                  status=status)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): scan the QR code, confirm with the first code."""
    user = _pending_user(request)
    if user is None:
        messages.warning(request, "登录已超时，请重新输入用户名和密码。")
        return redirect("login")
    if second_factor.is_enrolled(user):
        return redirect("accounts:verify")
    device = second_factor.pending_totp(user)
    form = CodeForm(request.POST or None)
    locked = second_factor.locked_until(user)
    if request.method == "POST" and not locked and form.is_valid():
        confirmed, codes = second_factor.confirm_enrolment(user, form.cleaned_data["code"], request=request)
        if confirmed is not None:
            pending = request.session[PENDING]
            _complete_login(request, user, confirmed, pending)
            request.session[NEW_CODES] = codes
            return redirect("accounts:backup_codes")
        locked = second_factor.locked_until(user)
        if not locked:
            form.add_error("code", "验证码不正确：请确认手机时间准确，并输入验证器当前显示的 6 位数字。")
    return render(request, "accounts/enrol.html", {
        "form": form, "qr_svg": second_factor.qr_svg(device), "secret": second_factor.secret_for_display(device),
        "issuer": settings.OTP_TOTP_ISSUER, "username": user.get_username(), "locked_until": locked,
    }, status=429 if locked else 200)


@login_required
@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes, shown once after enrolment or after the user asks for new ones."""
    if request.method == "POST":
        with transaction.atomic():
            codes = second_factor.new_backup_codes(request.user)
            record(request.user, "accounts.backup_codes_renewed", request.user, {"count": len(codes)}, request=request)
        request.session[NEW_CODES] = codes
        return redirect("accounts:backup_codes")
    codes = request.session.pop(NEW_CODES, None)
    response = render(request, "accounts/backup_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


class PasswordChangeView(AuditedPasswordChangeView):
    """The audited password change; it also lifts the forced change of an initial or expired password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        AccountSecurity.objects.update_or_create(user=self.request.user, defaults={"must_change_password": False})
        return response


# ---------------------------------------------------------------- the administrators' pages


@login_required
def administration(request: HttpRequest) -> HttpResponse:
    """The landing page of the three administrators: what each duty may do, and nothing else."""
    duty = duty_of(request.user)
    if duty is None and not request.user.is_superuser:
        raise Http404
    return render(request, "accounts/administration.html", {"duty": duty, "Duty": Duty})


@login_required
@permission_required("accounts.reset_second_factor", raise_exception=True)
def security_users(request: HttpRequest) -> HttpResponse:
    """The security administrator's list: who has a second factor, who is locked."""
    query = (request.GET.get("q") or "").strip()[:150]
    now = timezone.now()
    # One query for the page: enrolment and lock as subqueries, not two lookups per user.
    users = get_user_model().objects.order_by("username").annotate(
        enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        locked=Exists(AccountSecurity.objects.filter(user=OuterRef("pk"), second_factor_locked_until__gt=now)),
    )
    if query:
        users = users.filter(username__icontains=query)
    rows = [{"user": user, "enrolled": user.enrolled, "locked": user.locked} for user in users[:100]]
    return render(request, "accounts/security_users.html", {"rows": rows, "q": query})


@login_required
@permission_required("accounts.reset_second_factor", raise_exception=True)
def security_user(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset one user's second factor (lost phone) or lift their lockouts."""
    target = get_object_or_404(get_user_model(), pk=pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST":
        if target.pk == request.user.pk:
            messages.error(request, "不能重置或解锁自己的账号：请由另一名安全管理员或超级用户办理。")
        elif request.POST.get("action") == "unlock":
            second_factor.unlock(target, actor=request.user, request=request)
            messages.success(request, f"已解除 {target.get_username()} 的登录锁定。")
            return redirect("accounts:security_user", pk=target.pk)
        elif form.is_valid():
            second_factor.reset_second_factor(target, actor=request.user, reason=form.cleaned_data["reason"],
                                              request=request)
            messages.success(request, f"已重置 {target.get_username()} 的第二因子：其下次登录时须重新绑定验证器。")
            return redirect("accounts:security_user", pk=target.pk)
    return render(request, "accounts/security_user.html", {
        "target": target, "form": form, "enrolled": second_factor.is_enrolled(target),
        "locked_until": second_factor.locked_until(target),
        "password_locked": second_factor.password_locked(target),
    })
