"""A hand-counted program for the cockpit's tests: seven households in three villages of two
townships, three sites (one at the county itself, one without households), funds arrived.

The expected figures are written out in the tests from this description:
城关镇 (town): 村A h1 集中/后扶/3人 (head works: 务工 this month in the 就业台账; two children without labour);
               村A h2 集中/拆旧复垦 with 拆旧 approved/2人 (head with labour, no 就业台账 row);
               村B h3 分散/拆旧复垦, old house kept (county-approved)/1人 without labour;
               村B h4 分散/开工/1人;  村B h5 集中/清退/4人.
石桥乡 (other_town): 村C h6 集中/验收/2人;  村C h7 分散/申报/1人.
Sites: 河畔 (town, 8,000,000 planned, 食用菌; arrivals 3,000,000 + 2,000,000.50),
       山前 (county itself, 2,000,000 planned, no industry; arrival 500,000),
       石桥 (other_town, 500,000 planned, 刺梨; no households, no money).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftercare.models import EmploymentRecord
from documents.evidence.services import ingest_evidence
from registry.models import AreaLevel, Employment, Household, LabourAbility, Relation
from registry.models import HouseholdStage as S
from tests.factories import AreaFactory, HouseholdFactory, MemberFactory, SiteFactory
from tests.workflows.conftest import png_bytes
from workflows.models import FundEntry, FundKind, Opinion
from workflows.models.sites import SiteProject


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def put(household, stage, **fields):
    Household.objects.filter(pk=household.pk).update(stage=stage, **fields)
    return Household.objects.get(pk=household.pk)


def family(village, stage, mode, size, *, site=None, head=None, **fields):
    h = HouseholdFactory(village=village, resettlement_mode=mode, site=site, head__name=f"户主{village.name}",
                         **({"head__" + k: v for k, v in (head or {}).items()}))
    for n in range(size - 1):
        MemberFactory(household=h, relation=Relation.CHILD, name=f"子女{n}", employment=Employment.STUDENT,
                      labour_ability=LabourAbility.NONE)
    return put(h, stage, **fields)


def arrival(site, amount, actor, day=None):
    voucher = ingest_evidence(actor=actor, upload=SimpleUploadedFile("v.png", png_bytes(), content_type="image/png"),
                              stage=site.stage, kind="fund_voucher", site=site)
    return FundEntry.objects.create(site=site, kind=FundKind.ARRIVAL, amount=Decimal(amount),
                                    entry_date=day or timezone.localdate(), recorded_by=actor, voucher=voucher,
                                    source="central_budget")


def ledger(member, status, actor, month=None):
    """One month of a member's 就业台账 (aftercare.models.EmploymentRecord), written as the ledger keeps it."""
    month = month or timezone.localdate().replace(day=1)
    return EmploymentRecord.objects.create(household=member.household, member=member, area_code=member.household.area_code,
                                           month=month, status=status, place="in_county" if status == "wage" else "",
                                           recorded_by=actor)


@pytest.fixture
def program(areas, cast):
    river = SiteFactory(area=areas["town"], name="河畔安置点", planned_funds=Decimal("8000000.00"))
    hill = SiteFactory(area=areas["county"], name="山前安置点", planned_funds=Decimal("2000000.00"))
    stone = SiteFactory(area=areas["other_town"], name="石桥安置点", planned_funds=Decimal("500000.00"))
    SiteProject.objects.filter(site=river).update(leading_industry="食用菌")
    SiteProject.objects.filter(site=stone).update(leading_industry="刺梨")
    office = cast["county_office"]
    arrival(river, "3000000.00", office, timezone.localdate() - datetime.timedelta(days=30))
    arrival(river, "2000000.50", office)
    arrival(hill, "500000.00", office)
    a, b, c = areas["village_a"], areas["village_b"], areas["village_c"]
    h = {
        "h1": family(a, S.FOLLOW_UP, "centralised", 3, site=river),
        "h2": family(a, S.DEMOLITION, "centralised", 2, site=river, head={"employment": Employment.UNEMPLOYED}),
        "h3": family(b, S.DEMOLITION, "scattered", 1, head={"labour_ability": LabourAbility.NONE,
                                                            "employment": Employment.NOT_APPLICABLE},
                     old_house_kept=True, old_house_kept_reason="heritage"),
        "h4": family(b, S.CONSTRUCTION, "scattered", 1),
        "h5": family(b, S.REMOVED, "centralised", 4, site=river),
        "h6": family(c, S.ACCEPTANCE, "centralised", 2, site=hill),
        "h7": family(c, S.APPLY, "scattered", 1),
    }
    Opinion.objects.create(household=h["h2"], stage=S.DEMOLITION, round=1, step="demolition_record",
                           decision="approve", actor=cast["reviewer"], role="role_township_reviewer")
    # The 就业台账 (aftercare): h1's head works this month; h2's head has no ledger row yet.
    ledger(h["h1"].members.get(relation=Relation.HEAD), "wage", office)
    return {"sites": {"river": river, "hill": hill, "stone": stone}, "households": h}


# township: (households, started) — started rates 100, 75, 50, 25, 0 %
TOWNS = {"一镇": (4, 4), "二镇": (4, 3), "三镇": (4, 2), "四镇": (4, 1), "五镇": (4, 0)}


@pytest.fixture
def county(db):
    """排名县: five townships of four households each, started 4, 3, 2, 1, 0."""
    county = AreaFactory(code="520888000000", name="排名县", level=AreaLevel.COUNTY)
    for n, (name, (total, started)) in enumerate(TOWNS.items(), start=1):
        town = AreaFactory(code=f"520888{100 + n}000", name=name, level=AreaLevel.TOWNSHIP, parent=county)
        village = AreaFactory(code=f"520888{100 + n}201", name=f"{name}村", level=AreaLevel.VILLAGE, parent=town)
        for i in range(total):
            h = HouseholdFactory(village=village)
            Household.objects.filter(pk=h.pk).update(stage=S.ACCEPTANCE if i < started else S.CONSTRUCTION)
    return county


