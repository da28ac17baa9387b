from django.core.management.base import BaseCommand

from audit.checkpoints import write_checkpoint


class Command(BaseCommand):
    help = "Write a signed checkpoint of the audit chain head to the archive storage (outside the database)."

    def handle(self, *args, **options):
        checkpoint = write_checkpoint()
        if checkpoint is None:
            self.stdout.write("审计链为空，未写检查点。")
            return
        self.stdout.write(f"已写审计链检查点：事件 #{checkpoint.event_id}，共 {checkpoint.events} 个事件，"
                          f"校验码 {checkpoint.code}（{checkpoint.name}）。")
