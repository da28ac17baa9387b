"""manage.py verify_storage — re-hash the archive storage; exit status 1 when anything is wrong."""

from django.core.management.base import BaseCommand, CommandError

from audit.log import record
from documents.fixity import LABELS, check_storage


class Command(BaseCommand):
    help = "重新计算所有已存文书和证据文件的 SHA-256 与 SM3，报告被改动、缺失和无记录的文件。"

    def handle(self, *args, **options):
        report = check_storage()
        for problem in report.problems:
            self.stdout.write(f"[{LABELS[problem.kind]}] {problem.name}  {problem.detail}")
        summary = {
            "checked": report.checked,
            "altered": report.count("altered"),
            "missing": report.count("missing"),
            "unexpected": report.count("unexpected"),
        }
        # The check itself is on the record: when the archive was last proven intact, or not.
        record(None, "storage.verify", None, summary)
        line = (f"已核验 {summary['checked']} 个文件：被改动 {summary['altered']}，缺失 {summary['missing']}，"
                f"无记录 {summary['unexpected']}。")
        if not report.ok:
            raise CommandError(line + " 存储完整性校验未通过。")
        self.stdout.write(self.style.SUCCESS(line + " 存储完整。"))
