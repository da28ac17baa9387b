"""manage.py seed_site_demo — move the demo county's three sites (built by seed_demo) to different
stages with the real site services (workflows/sites/demo.py) and print where each one stands.

Running it again changes nothing and prints the table. Like seed_demo it runs only with DEBUG on
unless told that the database is a demonstration one.
"""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.management.commands.seed_demo import format_table
from workflows import outbox
from workflows.sites.demo import SiteDemoError, build_site_demo, site_state
from workflows.urlconf import ensure_urlconf


class Command(BaseCommand):
    help = ("生成安置点演示数据：通过正式的审批服务把示例县三个集中安置点推进到不同阶段"
            "（一个已交付入住、一个在建且有可拨付资金、一个逾期未开工预警）；可重复执行。")

    def add_arguments(self, parser):
        parser.add_argument("--demo-database", action="store_true",
                            help="确认当前数据库仅用于演示（DEBUG 未开启时必须加此参数）")
        parser.add_argument("--documents-later", action="store_true",
                            help="文书只登记为待生成，由随后运行的 render_pending 在后台生成（首次启动更快）")

    def handle(self, *args, demo_database, documents_later, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError("安置点演示数据只能在 DEBUG=1 的开发/演示环境生成；"
                               "若确认当前数据库仅用于演示，请加 --demo-database。")
        ensure_urlconf()

        try:
            with outbox.documents_later() if documents_later else contextlib.nullcontext():
                summary = build_site_demo()
        except SiteDemoError as exc:
            raise CommandError(str(exc)) from exc
        if summary.built:
            self.stdout.write(self.style.SUCCESS(
                f"安置点演示数据已生成：推进安置点 {len(summary.built)} 个，上传佐证材料 {summary.evidence} 件。"))
        else:
            self.stdout.write("示例县安置点已有流程数据，未作任何改动。")
        self.stdout.write("\n示例县集中安置点：")
        self.stdout.write(format_table(
            ["编号", "名称", "阶段", "形象进度", "到位资金（元）", "已拨付（元）", "尚可拨付（元）", "进度预警"],
            site_state()))
