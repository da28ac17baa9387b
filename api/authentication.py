"""Token authentication for systems: `Authorization: Token <key>` (or `Bearer <key>`).

The key is looked up by its SHA-256; a revoked or expired token, or one whose official is
deactivated, is refused. The token's official is the request's user: their posts and areas
decide every call, exactly as in the browser."""

import datetime

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_key

SCHEMES = (b"token", b"bearer")
# last_used_at is a hint for administrators, not an audit trail: write it at most once a minute.
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：应为“Authorization: Token <密钥>”。")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌格式不正确：密钥只能包含 ASCII 字符。")
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.is_usable:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已被吊销。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌所属账号已停用。")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
