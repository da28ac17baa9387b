"""Issue an API token for an official from the command line (the admin does the same):
prints the key once; only its hash is kept."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import ApiToken
from audit.log import record


class Command(BaseCommand):
    help = "为用户签发接口令牌（密钥只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="用途，例如：国家扶贫开发信息系统对接")
        parser.add_argument("--days", type=int, default=None, help="有效天数（不填则长期有效，直至吊销）")

    def handle(self, username, name, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用。")
        expires = timezone.now() + datetime.timedelta(days=days) if days else None
        token, key = ApiToken.issue(user=user, name=name, expires_at=expires)
        record(None, "api_token.issue", token, {"user": username, "name": name, "prefix": token.prefix,
                                                 "via": "manage.py"})
        self.stdout.write(key)
