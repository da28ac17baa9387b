"""Drop stored idempotency answers older than API_IDEMPOTENCY_HOURS (run daily from cron or beat)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from api.models import IdempotencyRecord


class Command(BaseCommand):
    help = "清理过期的幂等请求记录。"

    def handle(self, **options):
        cutoff = timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"已清理 {deleted} 条过期记录。")
