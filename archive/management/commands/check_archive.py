from django.core.management.base import BaseCommand, CommandError

from archive.four_properties import check_archive


class Command(BaseCommand):
    help = "档案四性检测（DA/T 70-2018：真实性、完整性、可用性、安全性）。"

    def add_arguments(self, parser):
        parser.add_argument("--area", default="", help="区划代码前缀（如县的 6 位代码），默认全部")
        parser.add_argument("--skip-security", action="store_true", help="不检查存储目录权限")

    def handle(self, *args, area, skip_security, **options):
        findings = check_archive(area, security=not skip_security)
        for finding in findings:
            self.stderr.write(str(finding))
        if findings:
            raise CommandError(f"四性检测未通过：{len(findings)} 处问题。")
        self.stdout.write("四性检测通过：真实性、完整性、可用性、安全性均无问题。")
