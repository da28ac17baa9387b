from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents.models import RenderOrder
from workflows import outbox
from workflows.urlconf import ensure_urlconf


class Command(BaseCommand):
    help = "Render the documents owed by committed moves (the outbox), as the periodic job does."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="也重试未到重试时间和已判定失败的文书")

    def handle(self, *args, all, **options):
        ensure_urlconf()
        if all:
            RenderOrder.objects.exclude(status=RenderOrder.Status.DONE).update(
                status=RenderOrder.Status.OWED, next_attempt_at=timezone.now())
        counts = outbox.drain()
        self.stdout.write(f"待生成文书：本次生成 {counts['done']} 份，失败 {counts['failed']} 份，仍待生成 {counts['left']} 份。")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} 份文书生成失败，已记录并将按间隔重试。")
