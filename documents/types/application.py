"""申请表: the household's application (docs/domain.md §1 stage 1), signed by the head of household."""

from django.conf import settings

from . import DocumentSpec, Subject, register
from .common import household_data


def build_context(subject: Subject, *, public: bool) -> dict:
    return {
        "household": household_data(subject.household, public=public),
        # The pledge quotes the policy limits in force (seed 002), not numbers frozen in the template.
        "policy": {
            "max_floor_area_per_person": settings.POLICY_MAX_FLOOR_AREA_PER_PERSON,
            "max_self_funding": settings.POLICY_MAX_SELF_FUNDING,
        },
    }


def title(subject: Subject) -> str:
    return "易地扶贫搬迁申请表"


SPEC = register(DocumentSpec(
    code="application_form",
    label="申请表",
    number_word="申请",
    template="documents/pdf/application.html",
    version="1",
    build_context=build_context,
    title=title,
))
