from django.core.management.base import BaseCommand

from workflows.urlconf import ensure_urlconf

from notifications import escalation, service


class Command(BaseCommand):
    help = "发送到期提醒与逾期提醒，升级逾期督办，并发送待发送的邮件/短信（与定时任务相同，可由 cron 调用）。"

    def handle(self, *args, **options):
        ensure_urlconf()
        counts = escalation.run()
        sent = service.drain()
        self.stdout.write(f"即将到期提醒 {counts['due']} 条，逾期提醒 {counts['overdue']} 条，"
                          f"升级督办 {counts['escalated']} 件，已办结 {counts['resolved']} 件；发送邮件/短信 {sent} 条。")
