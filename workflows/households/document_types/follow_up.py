"""后扶帮扶卡 (docs/domain.md §1 stage 9): who follows the household up after moving in, who of it can
work and whether they work (seeds 002/004: every household with labour willing to work has at
least one member employed), and the year's quarterly record (seed 001's "一表").

The quarterly rows, the employment ledger and the support measures are kept by aftercare/, a floor
above: it plugs a provider in at start-up (`set_records_provider`, from aftercare/apps.py, as registry
plugs audit's posts provider). Without one the quarterly table prints blank, to be filled by hand."""

from django.utils import timezone

from documents.types import DocumentSpec, Subject, register
from documents.types.common import household_data
from registry import policy
from registry.models import EMPLOYED, LABOUR_WITH_ABILITY, Relation
from registry.models import HouseholdStage as S
from workflows.households.document_types.common import last_round_approvals, person_name, signature

QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")

# (household, year) -> {"quarters": [...4 rows...], "members": {member pk: text}, ...}; see aftercare/card.py.
_records_provider = None


def set_records_provider(provider) -> None:
    global _records_provider
    _records_provider = provider


def _age(birth_date, today) -> int | str:
    if birth_date is None:
        return ""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def build_context(subject: Subject, *, public: bool, year: int | None = None) -> dict:
    household = subject.household
    data = household_data(household, public=True)
    members = sorted(household.members.all(), key=lambda m: (m.relation != Relation.HEAD, m.pk))
    today = timezone.localdate()
    year = year or today.year
    records = _records_provider(household, year) if _records_provider else None
    rows = [{
        "name": m.name,
        "relation": m.get_relation_display(),
        "sex": m.get_sex_display(),
        "age": _age(m.birth_date, today),
        "labour_ability": m.get_labour_ability_display(),
        "can_work": m.labour_ability in LABOUR_WITH_ABILITY,
        "willing": "是" if m.willing_to_work else "否",
        "employment": m.get_employment_display(),
        "employed": m.employment in EMPLOYED,
        "job": (records or {}).get("members", {}).get(m.pk, ""),
    } for m in members]
    return {
        "household": data,
        "moved_in_at": signature(last_round_approvals(household, S.MOVE_IN).get("move_in_confirmation"))["signed_at"],
        "officer": person_name(household.follow_up_officer),
        "cadre": person_name(household.responsible_cadre),
        "members": rows,
        "able_count": sum(1 for r in rows if r["can_work"]),
        "employed_count": sum(1 for r in rows if r["employed"]),
        "warnings": [v.message for v in policy.check_employment(members)],
        "year": year,
        "quarters": QUARTERS,
        "records": records,
    }


SPEC = register(DocumentSpec(
    code="follow_up_card",
    full_id_numbers=False,  # prints masked numbers only
    label="后扶帮扶卡",
    number_word="后扶",
    template="documents/pdf/follow_up_card.html",
    version="2",
    build_context=build_context,
    title=lambda subject: "易地扶贫搬迁后续扶持帮扶卡",
    options=("year",),
))
