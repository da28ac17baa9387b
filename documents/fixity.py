"""Fixity check: re-hash every stored document and evidence file (and the files other floors
register here: aftercare's hazard photos) against its record.

altered    — the file's size, SHA-256 or SM3 differs from what was recorded at ingest, or the
             record's hashes differ from those its upload or generation event holds in the audit
             chain (a file replaced together with its row's hashes: the keyed event still holds the
             first hash);
missing    — a record whose file is gone;
unexpected — a file under our prefixes that no record claims (planted, or left by a crash).
"""

from dataclasses import dataclass, field

from audit.models import AuditEvent

from . import storage
from .hashing import digest_stream
from .models import DocumentVersion, Evidence

ALTERED, MISSING, UNEXPECTED = "altered", "missing", "unexpected"
LABELS = {ALTERED: "已被改动", MISSING: "文件缺失", UNEXPECTED: "无记录的文件"}


@dataclass(frozen=True)
class Problem:
    kind: str
    name: str
    detail: str = ""


@dataclass
class Report:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)


# The audit events that record a file's hashes when it enters the store.
INGEST_EVENTS = {DocumentVersion: ("document.generate", "document.regenerate"), Evidence: ("evidence.upload",)}


def _recorded_hashes(model) -> dict[str, tuple[str, str]]:
    """{record pk: (sha256, sm3)} as the audit chain holds them for the model's ingest events."""
    found = {}
    events = AuditEvent.objects.filter(action__in=INGEST_EVENTS[model], target_type=model._meta.label_lower)
    for target_id, data in events.values_list("target_id", "data").order_by("id").iterator(chunk_size=2000):
        if isinstance(data, dict) and target_id not in found:
            found[target_id] = (data.get("sha256"), data.get("sm3"))
    return found


# Files other floors keep in the same store, hashed at ingest the same way (aftercare's hazard
# photos under hazards/), are plugged in at start-up from their apps.py — documents imports nothing
# above it: (label, storage prefix, rows) where rows() yields (storage name, size, sha256, sm3,
# the hashes the ingest event holds or None).
_SOURCES: list[tuple[str, str, object]] = []


def register_source(label: str, prefix: str, rows) -> None:
    if all(prefix != known for _, known, _ in _SOURCES):
        _SOURCES.append((label, prefix, rows))


def managed_prefixes() -> tuple[str, ...]:
    return tuple(storage.MANAGED_PREFIXES) + tuple(prefix for _, prefix, _ in _SOURCES)


def _records():
    fields = ("pk", "storage_name", "size", "sha256", "sm3")
    for model, label in ((DocumentVersion, "文书"), (Evidence, "证据")):
        recorded = _recorded_hashes(model)
        for pk, name, size, sha256, sm3 in model.objects.values_list(*fields).order_by("pk").iterator(chunk_size=2000):
            yield label, name, size, sha256, sm3, recorded.get(str(pk))
    for label, _, rows in _SOURCES:
        for name, size, sha256, sm3, recorded in rows():
            yield label, name, size, sha256, sm3, recorded


def check_storage() -> Report:
    report = Report()
    known: set[str] = set()
    for label, name, size, sha256, sm3, recorded in _records():
        known.add(name)
        report.checked += 1
        if recorded is not None and recorded != (sha256, sm3):
            report.problems.append(Problem(ALTERED, name, f"{label}：记录的哈希与其入库审计事件不符（SHA-256 "
                                                          f"{(recorded[0] or '')[:12]}… → {sha256[:12]}…）：文件与记录被一并替换"))
            continue
        try:
            with storage.open_stored(name) as f:
                actual = digest_stream(f)
        except (FileNotFoundError, OSError):
            report.problems.append(Problem(MISSING, name, f"{label}记录存在，但存储中找不到文件"))
            continue
        differences = []
        if actual.size != size:
            differences.append(f"大小 {size} → {actual.size}")
        if actual.sha256 != sha256:
            differences.append(f"SHA-256 {sha256[:12]}… → {actual.sha256[:12]}…")
        if actual.sm3 != sm3:
            differences.append(f"SM3 {sm3[:12]}… → {actual.sm3[:12]}…")
        if differences:
            report.problems.append(Problem(ALTERED, name, f"{label}：" + "；".join(differences)))
    for prefix in managed_prefixes():
        for name in storage.walk(prefix):
            if name not in known:
                report.problems.append(Problem(UNEXPECTED, name, "存储中有此文件，但没有任何记录"))
    return report
