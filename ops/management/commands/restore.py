from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = ("恢复：把 manage.py backup 生成的备份恢复到空数据库与空存储，"
            "随后运行 verify_audit、verify_storage 与 check_archive；任一未通过则以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup-时间 目录")

    def handle(self, *args, backup, **options):
        try:
            report = restore(Path(backup), stdout=self.stdout)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        failed = [name for name, passed in report.checks.items() if not passed]
        if failed:
            raise CommandError(f"恢复后的核验未通过：{'、'.join(failed)}。")
        self.stdout.write("恢复完成，三项核验均通过。")
