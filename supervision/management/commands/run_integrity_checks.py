from django.core.management.base import BaseCommand, CommandError

from supervision.integrity import run_checks


class Command(BaseCommand):
    help = "核验审计日志哈希链与存储完整性，并记录结果供审计人员查看。"

    def handle(self, *args, **options):
        results = run_checks()
        for check in results:
            self.stdout.write(f"{check.get_kind_display()}：{'正常' if check.ok else '异常'}。{check.summary}")
        if not all(check.ok for check in results):
            raise CommandError("完整性检查发现问题，详见审计人员的完整性页面。")
