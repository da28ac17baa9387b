"""The lifecycle's document types (DOMAIN.md §1, the stage table's `documents`), registered with
the documents engine at import: workflows/apps.py and workflows/documents.py import this package.

The engine's own three (申请表, 公示, 审核审批表) live in documents/types; these are the rest.
Each builder reads what it prints from the database when it runs, after the move has committed.
"""

from . import agreement, demolition, follow_up, housing, level, ledgers, village  # noqa: F401  (register at import)
