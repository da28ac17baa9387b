from django.core.management.base import BaseCommand

from workflows.urlconf import ensure_urlconf

from notifications import digest


class Command(BaseCommand):
    help = "生成并发送每日待办汇总（与每天定时任务相同）。"

    def handle(self, *args, **options):
        ensure_urlconf()
        self.stdout.write(f"已发送每日汇总 {digest.send_all()} 份。")
