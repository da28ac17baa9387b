"""The append-only, hash-chained event log.

Actors, targets and areas are stored as plain values, not foreign keys: the log must outlive
any row it mentions, and this app imports nothing of ours (docs/architecture.md, the ground floor).
"""

import pgtrigger
from django.db import models


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象ID", max_length=64, blank=True)
    # On PostgreSQL Django adds a varchar_pattern_ops twin to this index: LIKE 'prefix%' uses it.
    area_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    data = models.JSONField("内容", default=dict, blank=True)
    # The posts the actor held over the event's area when it was recorded ([{"role", "label"}], see
    # audit.log.set_posts_provider); null for events recorded before posts were kept, for system
    # events and for events without an area. Hashed when present (audit.chain).
    actor_posts = models.JSONField("操作人当时岗位", null=True, blank=True)
    # The key the event's hash is keyed with (HMAC-SM3, audit.chain); empty for events recorded
    # before the chain was keyed (their hash is SHA-256).
    key_id = models.CharField("密钥编号", max_length=32, blank=True, default="")
    # Which chain the event is on (issue 18 item 6): the county of its area (the code's first six
    # digits), or "" — events without a county, and every event recorded before chains were per
    # county. Hashed when set (audit.chain), so an event cannot be moved to another chain.
    chain = models.CharField("审计链", max_length=6, blank=True, default="")
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    hash = models.CharField("本事件哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
                   models.Index(fields=["chain", "id"], name="audit_chain_idx")]
        triggers = [
            # The log is append-only: the database itself refuses to rewrite history.
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"#{self.id} {self.action} {self.target_type}:{self.target_id}"


class ChainHead(models.Model):
    """The head of chain "" (events without a county, and the whole log before chains were per
    county): the newest event's hash; appenders lock it so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"


class CountyChainHead(models.Model):
    """The head of one county's chain (issue 18 item 6). Appenders lock only their county's row: an
    approval in one county never waits for another county's, where one head for the province
    capped a step near 68 a second. Each chain verifies alone; the signed checkpoints
    (audit/checkpoints.py) record every head, which anchors them together."""

    chain = models.CharField(max_length=6, primary_key=True)
    last_event_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "县级审计链头"
        verbose_name_plural = "县级审计链头"

    def __str__(self):
        return f"{self.chain} #{self.last_event_id}"
