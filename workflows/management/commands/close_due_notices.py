from django.core.management.base import BaseCommand

from workflows.households.batches import close_due_notices
from workflows.urlconf import ensure_urlconf


class Command(BaseCommand):
    help = ("Move households whose 公示 period has ended without objection on to 审核 "
            "(run daily from cron, or let Celery beat run workflows.tasks.close_due_notices).")

    def handle(self, *args, **options):
        ensure_urlconf()

        result = close_due_notices()
        for number in result["moved"]:
            self.stdout.write(f"转入审核：{number}")
        for number, why in result["waiting"]:
            self.stdout.write(f"仍在公示：{number}（{why}）")
        self.stdout.write(f"共转入审核 {len(result['moved'])} 户，仍需处理 {len(result['waiting'])} 户。")
