"""Factories for the registry: valid by default, so a test changes only what it is about."""

import itertools
from decimal import Decimal

import factory
from stdnum.cn import ric

from registry.models import (
    AdminArea,
    Employment,
    AreaLevel,
    Household,
    Member,
    Relation,
    RelocationReason,
    ResettlementMode,
    ResettlementSite,
    SiteKind,
)

_person_seq = itertools.count(1)


def make_id_number(region: str = "520121", birth: str = "19800101", seq: int | None = None) -> str:
    """A check-digit-valid ID number; `seq` (0-999) varies the order code, hence the person."""
    seq = next(_person_seq) % 1000 if seq is None else seq
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"区划{n}")
    level = AreaLevel.VILLAGE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResettlementSite

    code = factory.Sequence(lambda n: f"AZD{n:04d}")
    name = factory.Sequence(lambda n: f"安置点{n}")
    kind = SiteKind.URBAN
    planned_units = 100
    planned_persons = 400


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A scattered household with one member (the head), within every policy limit."""

    class Meta:
        model = Household
        skip_postgeneration_save = True

    number = factory.LazyAttributeSequence(lambda o, n: f"{o.village.code}{n % 10000:04d}")
    poverty_registered = True
    poverty_reg_number = factory.Sequence(lambda n: f"JD{n:08d}")
    relocation_reason = RelocationReason.HARSH_CONDITIONS
    resettlement_mode = ResettlementMode.SCATTERED
    scattered_location = "县城附近集镇"
    planned_floor_area = Decimal("25.00")
    self_funding = Decimal("3000.00")

    @factory.post_generation
    def head(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            MemberFactory(household=obj, relation=Relation.HEAD, **kwargs)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory, head=False)
    name = factory.Sequence(lambda n: f"成员{n}")
    id_number = factory.LazyFunction(make_id_number)
    relation = Relation.CHILD
    employment = Employment.LOCAL
