"""Walk the chain and name the first event that does not add up; then hold the database against
the signed checkpoints written outside it (audit/checkpoints.py)."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, UnknownKey, event_hash
from .checkpoints import read_all
from .models import AuditEvent, ChainHead


@dataclass
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    checkpoints: int = 0  # signed checkpoints the chain was held against

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None and not self.problem


def verify_chain(batch_size: int = 2000, *, checkpoints: bool = True) -> ChainReport:
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = None
    keyed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "前一事件哈希不符：事件被删除、插入或链被分叉")
        if keyed_seen and not event.key_id:
            return ChainReport(checked, event.id, "事件没有密钥编号，却排在带密钥的事件之后：链被改写")
        try:
            actual = event_hash(event)
        except UnknownKey:
            return ChainReport(checked, event.id, f"事件的密钥编号“{event.key_id}”未配置：无法核验（或被改写）")
        if actual != event.hash:
            return ChainReport(checked, event.id, "事件内容与其哈希不符：事件被改写")
        keyed_seen = keyed_seen or bool(event.key_id)
        expected_prev = event.hash
        last_id = event.id
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and checked and (head.last_event_id != last_id or head.last_hash != expected_prev):
        return ChainReport(checked, None, "链头与最后一个事件不符：末尾事件被删除")
    if not checkpoints:
        return ChainReport(checked)
    return _against_checkpoints(checked)


def _against_checkpoints(checked: int) -> ChainReport:
    good, bad = read_all()
    if bad:
        name, problem = bad[0]
        return ChainReport(checked, None, f"{problem}（{name}）", len(good))
    for checkpoint in good:
        stored = AuditEvent.objects.filter(id=checkpoint.event_id).values_list("hash", flat=True).first()
        if stored is None:
            return ChainReport(checked, checkpoint.event_id,
                               f"检查点 {checkpoint.code}（{checkpoint.written_at}）记录的事件已不存在：事件被删除",
                               len(good))
        if stored != checkpoint.hash:
            return ChainReport(checked, checkpoint.event_id,
                               f"与检查点 {checkpoint.code}（{checkpoint.written_at}）记录的哈希不符：该事件或此前的事件"
                               "被改写后重算了整条链", len(good))
        before = AuditEvent.objects.filter(id__lte=checkpoint.event_id).count()
        if before != checkpoint.events:
            return ChainReport(checked, checkpoint.event_id,
                               f"检查点 {checkpoint.code} 时链上有 {checkpoint.events} 个事件，现为 {before} 个", len(good))
    return ChainReport(checked, checkpoints=len(good))
