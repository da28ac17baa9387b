"""Signed checkpoints of the chain head, written outside the database (issue 15 item 3).

A checkpoint is a small JSON file in the archive storage (settings.AUDIT_CHECKPOINT_STORAGE, by
default the storage documents and evidence are written to: local files or S3, never the
database): the id and hash of the newest event and how many events the chain held, signed with
HMAC-SM3 under the current audit key. Someone who controls the database but not the key cannot
rewrite an event at or before a checkpoint — even recomputing the whole chain — without
`verify_audit` noticing that the event no longer has the hash the checkpoint recorded. Its short
code (the signature's first 8 hex digits, e.g. 3F2A-91C0) is shown on the integrity page so that an
auditor can note it on paper and compare later.

Written by the periodic integrity run (supervision) and by `manage.py audit_checkpoint`.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .chain import UnknownKey, current_key_id, keyed_digest
from .models import AuditEvent, ChainHead, CountyChainHead

PREFIX = "audit-checkpoints"
SIGNED_FIELDS = ("event_id", "hash", "events", "written_at", "key_id")
# Since the chains are per county (issue 18 item 6) a checkpoint also signs every chain's head
# ([chain, event id, hash]); files written before have none and are read as they were.
HEADS = "heads"


@dataclass(frozen=True)
class Checkpoint:
    name: str
    event_id: int
    hash: str
    events: int
    written_at: str
    key_id: str
    signature: str
    heads: tuple = ()  # ((chain, event id, hash), …): every chain's head when it was written

    @property
    def code(self) -> str:
        return short_code(self.signature)


def short_code(signature: str) -> str:
    return f"{signature[:4]}-{signature[4:8]}".upper()


def _storage():
    return storages[getattr(settings, "AUDIT_CHECKPOINT_STORAGE", settings.DOCUMENTS_STORAGE_ALIAS)]


def _signed_bytes(values: dict) -> bytes:
    fields = (*SIGNED_FIELDS, HEADS) if HEADS in values else SIGNED_FIELDS
    return json.dumps({k: values[k] for k in fields}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode()


def _heads() -> list[list]:
    """[[chain, last event id, last hash]] of every chain that has events, chain "" first."""
    heads = [["", h.last_event_id, h.last_hash] for h in ChainHead.objects.filter(pk=1, last_event_id__isnull=False)]
    heads += [[h.chain, h.last_event_id, h.last_hash]
              for h in CountyChainHead.objects.filter(last_event_id__isnull=False).order_by("chain")]
    return heads


def write_checkpoint() -> Checkpoint | None:
    """Sign every chain's head as it is now and write it to the storage; None while the log is
    empty. `event_id`/`hash` name the newest event of all chains (the figure an auditor notes)."""
    heads = _heads()
    if not heads:
        return None
    _, newest_id, newest_hash = max(heads, key=lambda head: head[1])
    values = {
        "event_id": newest_id,
        "hash": newest_hash,
        "events": AuditEvent.objects.filter(id__lte=newest_id).count(),
        "written_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "key_id": current_key_id(),
        HEADS: heads,
    }
    values["signature"] = keyed_digest(values["key_id"], _signed_bytes(values))
    name = f"{PREFIX}/{values['event_id']:015d}-{values['written_at'].replace(':', '')}.json"
    stored = _storage().save(name, ContentFile(json.dumps(values, ensure_ascii=False, indent=1).encode()))
    return Checkpoint(name=stored, **{**values, HEADS: tuple(tuple(h) for h in heads)})


def _names():
    storage = _storage()
    try:
        _, files = storage.listdir(PREFIX)
    except (FileNotFoundError, OSError):
        return []
    return sorted(f"{PREFIX}/{f}" for f in files if f.endswith(".json"))


def read_all() -> tuple[list[Checkpoint], list[tuple[str, str]]]:
    """(checkpoints whose signature holds, [(name, problem)] for the others), oldest first."""
    good, bad = [], []
    storage = _storage()
    for name in _names():
        try:
            with storage.open(name, "rb") as f:
                values = json.loads(f.read().decode())
            expected = keyed_digest(values["key_id"], _signed_bytes(values))
        except UnknownKey as exc:
            bad.append((name, f"检查点使用的密钥编号 {exc} 未配置，无法核验"))
            continue
        except (ValueError, KeyError, TypeError, OSError):
            bad.append((name, "检查点文件无法读取或格式不对"))
            continue
        if values.get("signature") != expected:
            bad.append((name, "检查点签名不符：检查点文件被改动"))
            continue
        good.append(Checkpoint(name=name, **{k: values[k] for k in (*SIGNED_FIELDS, "signature")},
                               heads=tuple(tuple(h) for h in values.get(HEADS, ()))))
    return good, bad


def latest() -> Checkpoint | None:
    good, _ = read_all()
    return good[-1] if good else None
