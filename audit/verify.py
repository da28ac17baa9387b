"""Walk the chain and name the first event that does not add up."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent, ChainHead


@dataclass
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None and not self.problem


def verify_chain(batch_size: int = 2000) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "前一事件哈希不符：事件被删除、插入或链被分叉")
        if event_hash(event) != event.hash:
            return ChainReport(checked, event.id, "事件内容与其哈希不符：事件被改写")
        expected_prev = event.hash
        last_id = event.id
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and checked and (head.last_event_id != last_id or head.last_hash != expected_prev):
        return ChainReport(checked, None, "链头与最后一个事件不符：末尾事件被删除")
    return ChainReport(checked)
