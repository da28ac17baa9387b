"""The lifecycles' models, one module per lifecycle, imported here by name so that Django finds
them under the app `workflows` (the proxies with the FSM transitions are models too)."""

from workflows.households.lifecycle import HouseholdLifecycle
from workflows.models.households import (
    Decision,
    HouseholdProcess,
    MeetingType,
    NoticeBatch,
    Objection,
    ObjectionStatus,
    Opinion,
    OpinionFields,
    ReviewMeeting,
    ReviewVote,
)
from workflows.models.sites import (
    AllocationMethod,
    FundEntry,
    FundKind,
    FundSource,
    Milestone,
    ProgressReport,
    SelfFundEntry,
    SelfFundKind,
    SelfFundPurpose,
    SiteOpinion,
    SiteProcess,
    SiteProject,
    UnitAllocation,
)
from workflows.sites.lifecycle import SiteLifecycle

__all__ = [
    "AllocationMethod", "Decision", "FundEntry", "FundKind", "FundSource", "HouseholdLifecycle", "HouseholdProcess",
    "MeetingType", "Milestone", "NoticeBatch", "Objection", "ObjectionStatus", "Opinion", "OpinionFields",
    "ProgressReport", "ReviewMeeting", "ReviewVote", "SelfFundEntry", "SelfFundKind", "SelfFundPurpose",
    "SiteLifecycle", "SiteOpinion", "SiteProcess", "SiteProject", "UnitAllocation",
]
