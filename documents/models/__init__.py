from .documents import Document, DocumentHousehold, DocumentVersion, NumberCounter, RenderBatch
from .evidence import WITHDRAWAL_FIELDS, Evidence, EvidenceKind, kind_label
from .immutable import ImmutableRecordError
from .outbox import RenderOrder

__all__ = [
    "Document", "DocumentHousehold", "DocumentVersion", "NumberCounter", "RenderBatch",
    "Evidence", "EvidenceKind", "kind_label", "WITHDRAWAL_FIELDS", "ImmutableRecordError",
    "RenderOrder",
]
