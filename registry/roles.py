"""The posts (roles) of docs/domain.md §6 and what each may do.

A role is a permission on AdminArea (`registry.role_<name>`), granted with django-guardian to a
user or to a group (one group per post) on one area. What a role may do is a set of ordinary
Django permissions ("capabilities"); `registry.scope` answers `user.has_perm(capability, obj)`
by checking whether a grant of a role with that capability covers the object's area code.
Later apps add their capabilities here, next to the roles that hold them.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    codename: str  # permission codename on AdminArea
    label: str  # what officials read
    level: str  # the area level it is normally granted on
    capabilities: frozenset[str]

    @property
    def perm(self) -> str:
        return f"registry.{self.codename}"


READ_CASES = frozenset(
    {
        "registry.view_adminarea",
        "registry.view_household",
        "registry.view_member",
        "registry.view_resettlementsite",
    }
)
EDIT_HOUSEHOLDS = frozenset(
    {"registry.add_household", "registry.change_household", "registry.add_member", "registry.change_member",
     "registry.delete_member"}
)
EDIT_SITES = frozenset({"registry.add_resettlementsite", "registry.change_resettlementsite"})
# The posts that act in the lifecycle upload its evidence and generate its documents; auditors
# and read-only posts do not (documents/permissions.py maps these onto the evidence store).
ACT_ON_CASES = frozenset({"documents.add_evidence", "documents.add_document"})
# Seeing a full ID number is a capability of its own; each use is an audit event.
REVEAL_ID = frozenset({"registry.reveal_idnumber"})

ROLES: dict[str, Role] = {
    r.codename: r
    for r in [
        Role("role_village_clerk", "村级经办人（村文书）", "village", READ_CASES | EDIT_HOUSEHOLDS | ACT_ON_CASES),
        Role("role_village_head", "村委会主任", "village", READ_CASES | ACT_ON_CASES),
        Role("role_township_reviewer", "乡镇审核员", "township",
             READ_CASES | EDIT_HOUSEHOLDS | REVEAL_ID | ACT_ON_CASES),
        Role("role_township_leader", "乡镇分管领导", "township", READ_CASES | ACT_ON_CASES),
        Role("role_county_office", "县易地扶贫搬迁办公室", "county",
             READ_CASES | EDIT_HOUSEHOLDS | EDIT_SITES | REVEAL_ID | ACT_ON_CASES),
        Role("role_county_housing", "县住房和城乡建设局", "county", READ_CASES | ACT_ON_CASES),
        Role("role_county_natural_resources", "县自然资源局", "county", READ_CASES | ACT_ON_CASES),
        Role("role_county_hrss", "县人力资源和社会保障局", "county", READ_CASES | ACT_ON_CASES),
        # Sites (issue 5): the finance bureau books site funds and sits in the joint plan review
        # (集中会审) with the development-and-reform bureau (workflows/sites/stages.py).
        Role("role_county_finance", "县财政局", "county", READ_CASES | ACT_ON_CASES),
        Role("role_county_drc", "县发展和改革局", "county", READ_CASES | ACT_ON_CASES),
        # Auditors read everything in scope and change nothing (their findings come later).
        Role("role_auditor", "审计/纪检/复查人员", "county", READ_CASES | REVEAL_ID | {"audit.view_auditevent"}),
        # Entering households and sites for a county (not one of the three administrators of
        # accounts/duties.py, who see no case data).
        Role("role_system_admin", "县级数据管理员", "county", READ_CASES | EDIT_HOUSEHOLDS | EDIT_SITES),
    ]
}

ROLE_PERMISSIONS = [(r.codename, r.label) for r in ROLES.values()]


def roles_with(capability: str) -> set[str]:
    """Codenames of the roles that hold a capability (a role also 'holds' itself)."""
    app_label, _, codename = capability.partition(".")
    found = {r.codename for r in ROLES.values() if capability in r.capabilities}
    if app_label == "registry" and codename in ROLES:
        found.add(codename)
    return found
