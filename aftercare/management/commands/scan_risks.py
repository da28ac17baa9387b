"""manage.py scan_risks [--area 520999]: run the 防返贫 rules over every moved-in household (from cron
or Celery beat, daily); a rule already open for a household raises nothing new."""

from django.core.management.base import BaseCommand

from aftercare.risks import scan


class Command(BaseCommand):
    help = "防返贫动态监测：按规则识别风险（已有未消除风险的不重复识别）"

    def add_arguments(self, parser):
        parser.add_argument("--area", default="", help="区划代码前缀（默认全部）")

    def handle(self, *args, area="", **options):
        raised = scan(area)
        self.stdout.write(f"新识别风险 {raised} 条。")
