"""Which capabilities open documents and evidence (registry/roles.py grants them by post).

- Read: a document or evidence item is read where its case can be read (READ_CASES:
  `registry.view_household`, `registry.view_resettlementsite`).
- Act: the posts that act in the lifecycle (ACT_ON_CASES) upload and withdraw evidence
  (`documents.add_evidence`) and generate documents (`documents.add_document`) in their area;
  auditors and other read-only posts do not.
"""

from django.core.exceptions import PermissionDenied

from registry.scope import covers

READ_HOUSEHOLD = "registry.view_household"
READ_SITE = "registry.view_resettlementsite"
ADD_EVIDENCE = "documents.add_evidence"
ADD_DOCUMENT = "documents.add_document"


def read_perm(*, is_site: bool) -> str:
    return READ_SITE if is_site else READ_HOUSEHOLD


# 跨县安置 (registry/placements.py): a post that reaches a household only as the official of its host
# site in another county (registry.scope.hosted_q) files and withdraws the evidence of the host's
# acts (workflows.acting.HOST_ACTS: 分房, 入住) and prints their documents (入住确认书, 后扶帮扶卡) —
# nothing else of the home county's case.
HOSTED_EVIDENCE_KINDS = frozenset({"unit_allocation_record", "old_new_house_photo", "signed_move_in"})
HOSTED_DOCUMENT_TYPES = frozenset({"move_in_confirmation", "follow_up_card"})


def require_hosted(actor, perm: str, household, what: str, allowed) -> None:
    """Refuse `what` (an evidence kind or a document type) to an actor who holds `perm` over the
    household only through hosting it, unless it is one of `allowed`."""
    if actor is None or household is None or what in allowed:
        return
    if not covers(actor, perm, household.area_code):
        raise PermissionDenied("跨县安置户：迁入地只能办理分房、入住确认和后续扶持的材料与文书，其余由迁出县办理。")


def require(actor, perm: str, obj) -> None:
    """Services check again what views checked: a task or a script has no view in front of it."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied("您的岗位无权对该案件执行此操作。")
