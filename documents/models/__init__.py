from .documents import Document, DocumentHousehold, DocumentVersion, NumberCounter, RenderBatch
from .evidence import WITHDRAWAL_FIELDS, Evidence, EvidenceKind
from .immutable import ImmutableRecordError

__all__ = [
    "Document", "DocumentHousehold", "DocumentVersion", "NumberCounter", "RenderBatch",
    "Evidence", "EvidenceKind", "WITHDRAWAL_FIELDS", "ImmutableRecordError",
]
