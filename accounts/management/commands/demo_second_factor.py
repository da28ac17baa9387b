"""manage.py demo_second_factor — the demo's authenticator (DEBUG only): every demo account gets
the one published TOTP secret, the three administrators are created, and the secret, its QR code
and the current code are printed. `--code` prints the current 6-digit code only."""

import io

import segno
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_ADMINISTRATORS, demo_code, demo_secret, enrol_demo_users


class Command(BaseCommand):
    help = "演示环境：为演示账号绑定公开的演示动态口令密钥，创建三员账号，并打印密钥、二维码和当前验证码。"

    def add_arguments(self, parser):
        parser.add_argument("--code", action="store_true", help="只打印当前的 6 位验证码")
        parser.add_argument("--demo-database", action="store_true",
                            help="确认当前数据库仅用于演示（DEBUG 未开启时必须加此参数）")

    def handle(self, *args, code, demo_database, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError("演示动态口令密钥是公开的，只能在 DEBUG=1 的开发/演示环境使用；"
                               "若确认当前数据库仅用于演示，请加 --demo-database。")
        if code:
            self.stdout.write(demo_code())
            return
        summary = enrol_demo_users()
        secret = demo_secret()
        uri = f"otpauth://totp/{settings.OTP_TOTP_ISSUER}:demo?secret={secret}&issuer={settings.OTP_TOTP_ISSUER}"
        self.stdout.write(f"\n演示动态口令（所有演示账号相同，新绑定 {summary['enrolled']} 个账号）：")
        self.stdout.write(f"  密钥（手动输入验证器）：{secret}")
        drawn = io.StringIO()
        segno.make(uri, error="m").terminal(out=drawn, compact=True, border=2)
        self.stdout.write(drawn.getvalue(), ending="")
        self.stdout.write(f"  当前验证码：{demo_code()}（每 30 秒变化；另开终端运行 "
                          f"`.venv/bin/python manage.py demo_second_factor --code` 可随时查看）")
        self.stdout.write("  三员账号（密码同上）：" + "、".join(f"{u}（{d.label}）" for u, d, _ in DEMO_ADMINISTRATORS))
