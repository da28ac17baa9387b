"""manage.py appoint_administrator USERNAME system|security|audit — the installer's one task after
createsuperuser: name the three administrators (三员), three different people holding no post."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.duties import DutyRefused, appoint
from accounts.models import Duty


class Command(BaseCommand):
    help = "任命三员之一（system 系统管理员、security 安全管理员、audit 审计管理员）：三员须为不同人员，且不持有业务岗位。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("duty", choices=Duty.values)

    def handle(self, *args, username, duty, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在：请先创建账号。")
        try:
            appoint(user, duty, actor=None)
        except DutyRefused as refused:
            raise CommandError(str(refused))
        self.stdout.write(self.style.SUCCESS(f"已任命 {username} 为{Duty(duty).label}。"))
