"""manage.py seed_supervision_demo — the demo county's auditor (county_auditor) files findings in
every state of the ledger through the real services (supervision/demo.py). Idempotent; like the
other seeds it runs only with DEBUG on unless told the database is a demonstration one."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.management.commands.seed_demo import format_table
from supervision.demo import SupervisionDemoError, build_supervision_demo, ledger_state


class Command(BaseCommand):
    help = "生成督查问题台账演示数据：示例县审计人员登记的各状态督查问题（待整改、已反馈、退回、已销号、超期、逾期整改）；可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--demo-database", action="store_true",
                            help="确认当前数据库仅用于演示（DEBUG 未开启时必须加此参数）")

    def handle(self, *args, demo_database, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError("督查演示数据只能在 DEBUG=1 的开发/演示环境生成；"
                               "若确认当前数据库仅用于演示，请加 --demo-database。")
        try:
            summary = build_supervision_demo()
        except SupervisionDemoError as exc:
            raise CommandError(str(exc)) from exc
        if summary.built:
            self.stdout.write(self.style.SUCCESS(f"督查演示数据已生成：county_auditor 登记督查问题 {summary.filed} 条。"))
        else:
            self.stdout.write("示例县已有督查演示数据，未作任何改动。")
        self.stdout.write("\n示例县督查问题台账：")
        self.stdout.write(format_table(["状态", "条数"], [[label, str(n)] for label, n in ledger_state()]))
