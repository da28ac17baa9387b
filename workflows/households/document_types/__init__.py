"""The household lifecycle's document types (docs/domain.md §1, the stage table's `documents`),
registered with the documents engine at import: workflows/apps.py imports this package.

The engine's own three (申请表, 公示, 审核审批表) live in documents/types; these are the rest.
Each builder reads what it prints from the database when it runs, after the move has committed.
"""

from workflows.households.document_types import agreement, demolition, follow_up, housing, village  # noqa: F401
