from django.core.management.base import BaseCommand, CommandError

from archive.jobs import purge_exports


class Command(BaseCommand):
    help = "删除完成超过指定天数的档案导出包（导出任务记录保留，状态为已过期）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="保留天数（默认 7）")

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("保留天数不能为负数。")
        purged = purge_exports(days=days)
        self.stdout.write(f"已删除 {len(purged)} 个过期导出包。")
