import datetime

import pytest
from django.utils import timezone

from registry.models import Household, HouseholdStage, LabourAbility, Relation
from tests.factories import HouseholdFactory, MemberFactory


def moved_in(household, stage=HouseholdStage.FOLLOW_UP):
    """The household in a stage after 入住, entered on 1 December 2025 (before the tests' quarters)."""
    entered = timezone.make_aware(datetime.datetime(2025, 12, 1, 10, 0))
    Household.objects.filter(pk=household.pk).update(stage=stage, stage_entered_at=entered)
    return Household.objects.get(pk=household.pk)


@pytest.fixture
def family(areas):
    """A household of village A in 后扶: the head and his wife can work, their son is at school."""
    household = HouseholdFactory(village=areas["village_a"], head=False)
    head = MemberFactory(household=household, relation=Relation.HEAD, name="王大山", employment="unemployed")
    wife = MemberFactory(household=household, relation=Relation.SPOUSE, name="李春花", employment="unemployed")
    son = MemberFactory(household=household, relation=Relation.CHILD, name="王小石", employment="student",
                        labour_ability=LabourAbility.NONE)
    return {"household": moved_in(household), "head": head, "wife": wife, "son": son}


@pytest.fixture
def officer(cast):
    """The township's 后扶专干 (a township reviewer, seed 001)."""
    return cast["reviewer"]
