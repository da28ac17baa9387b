"""What both stage tables are made of (docs/architecture.md decision 2): a `Stage` is the work a
case is in, a `Step` one official act within it; the posts (role codenames, registry/roles.py)
and the signature levels the tables name. Pure data."""

from dataclasses import dataclass

# Signature levels printed on forms: who signs, in the order of the 审核审批表.
VILLAGE, TOWNSHIP, COUNTY, HOUSEHOLD = "village", "township", "county", "household"
SIGNATURE_LEVELS = {VILLAGE: "村级意见", TOWNSHIP: "乡镇意见", COUNTY: "县级意见", HOUSEHOLD: "搬迁户确认"}


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # the task title officials read
    roles: tuple[str, ...]  # role codenames (registry/roles.py) that may act
    signature_level: str
    evidence: tuple[str, ...] = ()  # evidence kinds needed before this step is approved
    # An approval of the work before it: whoever did that work may not sign this (审批分离).
    reviews: bool = False


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    steps: tuple[Step, ...] = ()
    joint: bool = False  # all steps in parallel (Split/Join) instead of in order
    evidence: tuple[str, ...] = ()  # evidence kinds needed before the case leaves the stage
    documents: tuple[str, ...] = ()  # document types produced when the case leaves the stage
    # Document types printed during the stage for the parties to sign (their scans are the stage's
    # evidence); leaving the stage prints them again, as a new version with the recorded decisions.
    for_signing: tuple[str, ...] = ()
    deadline_days: int = 30
    removable: bool = True  # 清退 possible from here (every stage before 入住)

    @property
    def step_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.steps)

    def step(self, code: str) -> Step:
        for s in self.steps:
            if s.code == code:
                return s
        raise KeyError(code)

    @property
    def all_evidence(self) -> tuple[str, ...]:
        kinds = [k for s in self.steps for k in s.evidence] + list(self.evidence)
        return tuple(dict.fromkeys(kinds))


CLERK, HEAD = "role_village_clerk", "role_village_head"
REVIEWER, LEADER = "role_township_reviewer", "role_township_leader"
COUNTY_OFFICE, HOUSING = "role_county_office", "role_county_housing"
NATURAL_RESOURCES, HRSS = "role_county_natural_resources", "role_county_hrss"
FINANCE, DRC = "role_county_finance", "role_county_drc"
