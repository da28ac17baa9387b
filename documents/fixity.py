"""Fixity check: re-hash every stored document and evidence file against its record.

altered    — the file's size, SHA-256 or SM3 differs from what was recorded at ingest;
missing    — a record whose file is gone;
unexpected — a file under our prefixes that no record claims (planted, or left by a crash).
"""

from dataclasses import dataclass, field

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


def _records():
    fields = ("storage_name", "size", "sha256", "sm3")
    for model, label in ((DocumentVersion, "文书"), (Evidence, "证据")):
        for name, size, sha256, sm3 in model.objects.values_list(*fields).order_by("pk").iterator(chunk_size=2000):
            yield label, name, size, sha256, sm3


def check_storage() -> Report:
    report = Report()
    known: set[str] = set()
    for label, name, size, sha256, sm3 in _records():
        known.add(name)
        report.checked += 1
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
    for prefix in storage.MANAGED_PREFIXES:
        for name in storage.walk(prefix):
            if name not in known:
                report.problems.append(Problem(UNEXPECTED, name, "存储中有此文件，但没有任何记录"))
    return report
