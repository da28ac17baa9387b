from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = ("备份：PostgreSQL 数据库（pg_dump 自定义格式）、存储中的全部文件（或仅其清单与哈希）、审计链头，"
            "以及记录每一部分 SHA-256/SM3 的清单（manifest.json）。")

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份写入的目录（在其中新建 backup-时间 子目录）")
        parser.add_argument("--storage", choices=["copy", "list"], default="copy",
                            help="copy：复制每个文件（默认）；list：只记录文件名与哈希（对象存储自带版本与副本时）")

    def handle(self, *args, target, storage, **options):
        try:
            folder = backup(Path(target), copy_files=storage == "copy", stdout=self.stdout)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{folder}")
