"""Walk the chain and name the first event that does not add up; then hold the database against
the signed checkpoints written outside it (audit/checkpoints.py)."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, UnknownKey, event_hash
from .checkpoints import read_all
from .models import AuditEvent, ChainHead, CountyChainHead


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
    """Walk every event in order, each chain alone (chain "" and one per county, issue 18 item 6):
    an event must follow its chain's previous event, hash to what it says, and every chain must end
    at its head. Memory holds one entry per chain, however long the log."""
    expected: dict[str, str] = {}
    last_ids: dict[str, int] = {}
    keyed: set[str] = set()
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        chain = event.chain
        if event.prev_hash != expected.get(chain, GENESIS_HASH):
            return ChainReport(checked, event.id, "前一事件哈希不符：事件被删除、插入或链被分叉")
        if chain in keyed and not event.key_id:
            return ChainReport(checked, event.id, "事件没有密钥编号，却排在带密钥的事件之后：链被改写")
        try:
            actual = event_hash(event)
        except UnknownKey:
            return ChainReport(checked, event.id, f"事件的密钥编号“{event.key_id}”未配置：无法核验（或被改写）")
        if actual != event.hash:
            return ChainReport(checked, event.id, "事件内容与其哈希不符：事件被改写")
        if event.key_id:
            keyed.add(chain)
        expected[chain] = event.hash
        last_ids[chain] = event.id
        checked += 1
    problem = _heads_problem(expected, last_ids)
    if problem:
        return ChainReport(checked, None, problem)
    if not checkpoints:
        return ChainReport(checked)
    return _against_checkpoints(checked)


def _heads_problem(expected: dict[str, str], last_ids: dict[str, int]) -> str:
    """Every chain ends at its head, and no head names a chain whose events are gone."""
    heads = {"": ChainHead.objects.filter(pk=1).values_list("last_event_id", "last_hash").first()}
    heads.update({chain: (last, hash_) for chain, last, hash_ in
                  CountyChainHead.objects.values_list("chain", "last_event_id", "last_hash")})
    for chain, head in heads.items():
        name = f"县级链 {chain}" if chain else "链"
        if head is None or head[0] is None:
            continue
        if chain not in last_ids:
            return f"{name}的链头指向事件 #{head[0]}，该链上已没有事件：事件被删除"
        if head != (last_ids[chain], expected[chain]):
            return f"{name}的链头与最后一个事件不符：末尾事件被删除"
    return ""


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
        for chain, event_id, hash_ in checkpoint.heads:
            if AuditEvent.objects.filter(id=event_id).values_list("hash", flat=True).first() != hash_:
                where = f"县级链 {chain}" if chain else "链"
                return ChainReport(checked, event_id,
                                   f"与检查点 {checkpoint.code}（{checkpoint.written_at}）记录的{where}链头不符：该事件"
                                   "被删除，或它及此前的事件被改写后重算了该链", len(good))
        before = AuditEvent.objects.filter(id__lte=checkpoint.event_id).count()
        if before != checkpoint.events:
            return ChainReport(checked, checkpoint.event_id,
                               f"检查点 {checkpoint.code} 时链上有 {checkpoint.events} 个事件，现为 {before} 个", len(good))
    return ChainReport(checked, checkpoints=len(good))
