"""Which registry facts may still be corrected at a household's stage: one rule for the admin and
the API.

Registry facts may be corrected until the county's approval signs them into the relocation
agreement (审核); afterwards they are on paper (the 25 m²/person rule was approved over these
members and this floor area) and change only through the lifecycle. Number and village are fixed
once the case has been reviewed and posted (评议, 公示), and so is the member list's membership:
members may be struck out only while the case is being entered (申报).

This is a data-integrity rule, not a permission: superusers are held to it too.
"""

from registry.models import HouseholdStage
from registry.policy import Violation

EDITABLE_STAGES = (HouseholdStage.APPLY, HouseholdStage.REVIEW, HouseholdStage.NOTICE, HouseholdStage.APPROVAL)
MEMBER_DELETE_STAGES = (HouseholdStage.APPLY,)
IDENTITY_FIELDS = ("number", "village")

IDENTITY_FIXED = "评议、公示后户编号和所在村不能修改。"
MEMBER_DELETE_LOCKED = "申报阶段之后不能删除家庭成员（名单已评议、公示）。"


def stage_label(stage) -> str:
    try:
        return HouseholdStage(stage).label
    except ValueError:
        return str(stage)


def registry_editable(stage) -> bool:
    return stage in EDITABLE_STAGES


def stage_locked_message(stage) -> str:
    return f"该户已进入“{stage_label(stage)}”阶段，登记信息已随审批定稿，不能通过修改登记信息变更。"


def members_deletable(stage) -> bool:
    return stage in MEMBER_DELETE_STAGES


def fixed_fields(stage) -> tuple[str, ...]:
    """Household fields that may not change at this stage (beyond the lock of the whole record)."""
    return () if stage == HouseholdStage.APPLY else IDENTITY_FIELDS


def edit_violations(stage, *, fields=(), members_added: int = 0, members_changed: int = 0,
                    members_removed: int = 0) -> list[Violation]:
    """The violations of a proposed change of a household at `stage`: the household `fields` whose
    value changes, and how many members are added, changed or struck out. Empty: allowed."""
    touched = bool(fields) or members_added or members_changed or members_removed
    if not registry_editable(stage):
        return [Violation("stage_locked", "stage", stage_locked_message(stage))] if touched else []
    found = [Violation("identity_fixed", name, IDENTITY_FIXED) for name in fixed_fields(stage) if name in fields]
    if members_removed and not members_deletable(stage):
        found.append(Violation("member_delete_locked", "members", MEMBER_DELETE_LOCKED))
    return found
