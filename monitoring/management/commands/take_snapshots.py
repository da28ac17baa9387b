import datetime

from django.core.management.base import BaseCommand, CommandError

from monitoring.snapshots import take_snapshots


class Command(BaseCommand):
    help = "统计各区划当日指标快照（同一天重复运行会替换当天的快照）。"

    def add_arguments(self, parser):
        parser.add_argument("--day", help="统计日期（YYYY-MM-DD），默认今天")

    def handle(self, *args, day=None, **options):
        try:
            when = datetime.date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError("日期格式须为 YYYY-MM-DD。")
        count = take_snapshots(when)
        self.stdout.write(f"已保存 {count} 个区划的指标快照。")
