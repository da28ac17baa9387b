"""Which capabilities open documents and evidence (registry/roles.py grants them by post).

- Read: a document or evidence item is read where its case can be read (READ_CASES:
  `registry.view_household`, `registry.view_resettlementsite`).
- Act: the posts that act in the lifecycle (ACT_ON_CASES) upload and withdraw evidence
  (`documents.add_evidence`) and generate documents (`documents.add_document`) in their area;
  auditors and other read-only posts do not.
"""

from django.core.exceptions import PermissionDenied

READ_HOUSEHOLD = "registry.view_household"
READ_SITE = "registry.view_resettlementsite"
ADD_EVIDENCE = "documents.add_evidence"
ADD_DOCUMENT = "documents.add_document"


def read_perm(*, is_site: bool) -> str:
    return READ_SITE if is_site else READ_HOUSEHOLD


def require(actor, perm: str, obj) -> None:
    """Services check again what views checked: a task or a script has no view in front of it."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied("您的岗位无权对该案件执行此操作。")
