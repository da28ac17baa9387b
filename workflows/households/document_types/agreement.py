"""易地扶贫搬迁协议: the agreement the township government signs with the household once the
county has approved it (docs/domain.md §1 stage 4). The household head is a party to it: it carries
the head's full ID number, like the 申请表."""

from decimal import Decimal

from django.conf import settings

from documents.types import DocumentSpec, Subject, register
from documents.types.common import household_data
from registry.models import HouseholdStage as S
from workflows.households.document_types.common import demolition_days, last_round_approvals, number, signature


def build_context(subject: Subject, *, public: bool) -> dict:
    household = subject.household
    data = household_data(household, public=public)
    approval = last_round_approvals(household, S.APPROVAL)
    site = household.site
    return {
        "household": data,
        "township_government": f"{data['area']['township']}人民政府",
        "village_committee": f"{data['area']['village']}村民委员会",
        "site": {"name": site.name, "location": site.location} if site else None,
        "approved": signature(approval.get("county_approval")),
        # Quoted from the settings in force (seed 002), not frozen in the template.
        "policy": {
            "max_floor_area_per_person": number(settings.POLICY_MAX_FLOOR_AREA_PER_PERSON),
            "max_floor_area": number(data["size"] * Decimal(str(settings.POLICY_MAX_FLOOR_AREA_PER_PERSON))),
            "max_self_funding": number(settings.POLICY_MAX_SELF_FUNDING),
            "demolition_days": demolition_days(),
        },
    }


def title(subject: Subject) -> str:
    return "易地扶贫搬迁协议"


SPEC = register(DocumentSpec(
    code="relocation_agreement",
    label="搬迁协议",
    number_word="协议",
    template="documents/pdf/relocation_agreement.html",
    version="1",
    build_context=build_context,
    title=title,
))
