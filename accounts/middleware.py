"""Session rules of 等保 level 3, applied to every request of a signed-in user (after django-otp's
OTPMiddleware has told whether the session passed the second factor):

1. idle timeout (8.1.4.1 b 登录连接超时自动退出): ACCOUNTS_IDLE_TIMEOUT seconds without a request
   end the session;
2. a session without the second factor is no session: it is ended (sessions are only made by the
   two-step sign-in, accounts/views.py; anything else — a login() elsewhere — gets this);
3. the three administrators reach only the administration pages (403 elsewhere): no case data;
4. an initial or expired password is changed before anything else.
Each refusal that ends a session is an audit event.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from accounts.duties import duty_of
from accounts.passwords import must_change_password
from audit.log import record

LAST_SEEN = "accounts_last_seen"
# The last-seen time is written at most once a minute (one session write per minute, not per request).
TOUCH_EVERY = 60
ADMINISTRATOR_PREFIXES = ("/admin/", "/accounts/", "/static/", "/verify/")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _signed_out(request, message: str):
    logout(request)
    if _is_api(request):
        return JsonResponse({"code": "not_authenticated", "message": message, "fields": {}}, status=401)
    messages.warning(request, message)
    return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refused = self.refusal(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refusal(self, request, user):
        now = time.time()
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > settings.ACCOUNTS_IDLE_TIMEOUT:
            record(user, "auth.idle_timeout", None, {"idle_seconds": int(now - last_seen)}, request=request)
            return _signed_out(request, f"您已超过 {settings.ACCOUNTS_IDLE_TIMEOUT // 60} 分钟未操作，系统已自动退出，请重新登录。")
        if not user.is_verified():
            record(user, "auth.unverified_session", None, {"path": request.path[:200]}, request=request)
            return _signed_out(request, "请先完成第二因子（动态验证码）验证后再使用系统。")
        if last_seen is None or now - last_seen >= TOUCH_EVERY:
            request.session[LAST_SEEN] = now
        path = request.path
        if duty_of(user) is not None and not path.startswith(ADMINISTRATOR_PREFIXES):
            if path == "/":
                return redirect("accounts:administration")
            if _is_api(request):
                return JsonResponse({"code": "permission_denied", "message": "三员账号不能访问业务数据。", "fields": {}},
                                    status=403, json_dumps_params={"ensure_ascii": False})
            return render(request, "accounts/administrator_only.html", status=403)
        reason = must_change_password(user)
        if reason and path not in (reverse("password_change"), reverse("logout")) and not path.startswith("/static/"):
            if _is_api(request):
                return JsonResponse({"code": "password_change_required", "message": "请先修改密码。", "fields": {}},
                                    status=403)
            messages.warning(request, "您使用的是初始密码，请先修改密码。" if reason == "initial"
                             else f"您的密码已超过 {settings.ACCOUNTS_PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。")
            return redirect("password_change")
        return None
