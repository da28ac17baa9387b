from django.core.management.base import BaseCommand, CommandError

from archive.export import verify_bag


class Command(BaseCommand):
    help = "校验档案导出包（BagIt，目录或 ZIP）：清单、校验和与 bag-info。"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        problems = verify_bag(path)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"导出包校验未通过：{len(problems)} 处问题。")
        self.stdout.write("导出包校验通过。")
