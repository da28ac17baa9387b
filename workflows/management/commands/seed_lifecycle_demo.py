"""manage.py seed_lifecycle_demo — move the demo county (built by seed_demo) through the lifecycle
with the real services (workflows/households/demo.py) and print how many households are in each stage.

Running it again changes nothing and prints the table. Like seed_demo it runs only with DEBUG on
unless told that the database is a demonstration one.
"""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.management.commands.seed_demo import format_table
from workflows import outbox
from workflows.households.demo import LifecycleDemoError, build_lifecycle_demo, county_state
from workflows.urlconf import ensure_urlconf


class Command(BaseCommand):
    help = ("生成流程演示数据：在 seed_demo 生成的示例县中，通过正式的审批服务把部分搬迁户推进到各个阶段"
            "（含佐证材料、文书、公示批次与异议、退回、清退）；可重复执行。")

    def add_arguments(self, parser):
        parser.add_argument("--demo-database", action="store_true",
                            help="确认当前数据库仅用于演示（DEBUG 未开启时必须加此参数）")
        parser.add_argument("--documents-later", action="store_true",
                            help="文书只登记为待生成，由随后运行的 render_pending 在后台生成（首次启动更快）")

    def handle(self, *args, demo_database, documents_later, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError("流程演示数据只能在 DEBUG=1 的开发/演示环境生成；"
                               "若确认当前数据库仅用于演示，请加 --demo-database。")
        ensure_urlconf()

        try:
            with outbox.documents_later() if documents_later else contextlib.nullcontext():
                summary = build_lifecycle_demo(log=self.stdout.write)
        except LifecycleDemoError as exc:
            raise CommandError(str(exc)) from exc
        if summary.built:
            self.stdout.write(self.style.SUCCESS(
                f"流程演示数据已生成（{summary.seconds:.1f} 秒）：推进搬迁户 {summary.households_moved} 户，"
                f"上传佐证材料 {summary.evidence_uploaded} 件。"
            ))
            if summary.missing_cohorts:
                self.stdout.write(self.style.WARNING(
                    "搬迁户数量不足，以下演示情形未生成：" + "、".join(summary.missing_cohorts)))
        else:
            self.stdout.write("示例县已有流程数据（已有审批意见），未作任何改动。")
        state = county_state()
        self.stdout.write("\n示例县搬迁户各阶段户数：")
        self.stdout.write(format_table(["阶段", "户数"], [[label, str(n)] for label, n in state.stages]))
        for note in state.notes:
            self.stdout.write(note)
