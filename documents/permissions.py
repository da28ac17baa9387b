"""Which registry capabilities open documents and evidence.

A document or piece of evidence is read where its case can be read and written where its case
can be edited: the same roles, the same area grants (registry/roles.py READ_CASES and
EDIT_HOUSEHOLDS / EDIT_SITES). Should the lifecycle issues give documents capabilities of their
own (say, withdrawing evidence only from the township up), this module is the one place to change.
"""

from django.core.exceptions import PermissionDenied

READ_HOUSEHOLD = "registry.view_household"
READ_SITE = "registry.view_resettlementsite"
WRITE_HOUSEHOLD = "registry.change_household"
WRITE_SITE = "registry.change_resettlementsite"


def read_perm(*, is_site: bool) -> str:
    return READ_SITE if is_site else READ_HOUSEHOLD


def write_perm(*, is_site: bool) -> str:
    return WRITE_SITE if is_site else WRITE_HOUSEHOLD


def require(actor, perm: str, obj) -> None:
    """Services check again what views checked: a task or a script has no view in front of it."""
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied("您的岗位无权对该案件执行此操作。")
