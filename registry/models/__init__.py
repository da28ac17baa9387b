from .areas import PREFIX_LENGTH, AdminArea, AreaGroupGrant, AreaLevel, AreaUserGrant, HouseholdSequence, level_of_code
from .households import (
    EMPLOYED,
    LABOUR_WITH_ABILITY,
    Employment,
    Household,
    HouseholdStage,
    KeptHouseReason,
    LabourAbility,
    Member,
    Relation,
    RelocationReason,
    ResettlementMode,
    Sex,
)
from .placements import OPEN_STATUSES, CrossCountyPlacement, PlacementStatus
from .sites import ResettlementSite, SiteKind, SiteStage

__all__ = [
    "PREFIX_LENGTH", "AdminArea", "AreaGroupGrant", "AreaLevel", "AreaUserGrant", "HouseholdSequence", "level_of_code",
    "EMPLOYED", "LABOUR_WITH_ABILITY", "Employment", "Household", "HouseholdStage", "KeptHouseReason", "LabourAbility", "Member",
    "Relation", "RelocationReason", "ResettlementMode", "Sex", "ResettlementSite", "SiteKind", "SiteStage",
    "OPEN_STATUSES", "CrossCountyPlacement", "PlacementStatus",
]
