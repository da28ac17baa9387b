"""The lifecycle's documents, rendered after the move that calls for them has committed
(workflows/households/paperwork.py schedules them; docs/architecture.md decision 4).

    render_lifecycle_document("approval_form", actor_id=7, household_ids=[42], single=True)
    render_lifecycle_document("review_record", actor_id=3, household_ids=[...], single=False, meeting_id=5)

`single`: one document per household (the forms); otherwise one for the whole village batch
(民主评议记录, 公示, 公示结果). What a document quotes of the case — opinions, signatures, votes,
objections — is read from the database now, not handed over by the caller.
"""

from django.contrib.auth import get_user_model

from documents.models import Document, DocumentVersion
from documents.services import generate_document, regenerate_document
from registry.models import Household
from workflows.households import document_types  # noqa: F401  (registers the lifecycle's types with the engine)
from workflows.households.document_types.common import approval_signatures


def _options_for(kind: str, household: Household | None, options: dict) -> dict:
    if kind == "approval_form":
        # The levels' opinions as recorded (评议, 乡镇审核, 县级审批), whatever a caller passed.
        return {**options, "signatures": approval_signatures(household)}
    return options


# A form printed during its stage for signing is printed again when the stage is left: the same
# document and 文号, a new version carrying the recorded decisions.
FINAL_VERSION = "阶段办结，按办理结果更新"


def _render_for(kind: str, actor, household: Household, options: dict) -> DocumentVersion:
    printed = Document.objects.filter(doc_type=kind, household=household).order_by("id").first()
    if printed is not None:
        return regenerate_document(printed, actor=actor, reason=FINAL_VERSION, **_options_for(kind, household, options))
    return generate_document(kind, actor=actor, household=household, **_options_for(kind, household, options))


def render_lifecycle_document(kind: str, *, actor_id: int | None, household_ids, single: bool,
                              **options) -> list[DocumentVersion]:
    """Generate `kind` for the households: one per household when `single`, else one for the batch.
    `actor_id` None is the system (a timer, the notice rule); otherwise the official who moved the
    case, whose right to generate documents for it the engine checks again."""
    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    households = list(Household.objects.filter(pk__in=list(household_ids)).order_by("number"))
    if not households or len(households) != len(set(household_ids)):
        raise LookupError(f"households {sorted(set(household_ids))} not all found for {kind}")
    if single:
        return [_render_for(kind, actor, h, options) for h in households]
    return [generate_document(kind, actor=actor, households=households, **_options_for(kind, None, options))]
