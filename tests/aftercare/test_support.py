import datetime

import pytest
from django.urls import reverse

from aftercare.models import ContinuityCheck, SupportPlan
from aftercare.support import checklist, confirm_continuity, current_plan, record_plan
from audit.models import AuditEvent
from workflows.acting import OutOfScope, Refused

TODAY = datetime.date(2026, 4, 2)


def test_a_plan_is_versioned(family, officer):
    household = family["household"]
    record_plan(actor=officer, household=household, income_channels="务工", measures=["employment"])
    plan = record_plan(actor=officer, household=household, income_channels="务工、光伏分红",
                       measures=["employment", "industry"], measure_note="安置点光伏电站分红",
                       land_uses=[{"land": "farmland", "use": "transfer", "area_mu": "2.5"},
                                  {"land": "homestead", "use": "reclaim", "area_mu": "0.3"}])
    assert plan.version == 2 and current_plan(household) == plan
    assert plan.measure_labels == ["就业", "产业"]
    assert plan.land_texts == ["耕地2.50亩流转", "宅基地0.30亩复垦"]
    assert SupportPlan.objects.count() == 2
    assert AuditEvent.objects.filter(action="aftercare.support_plan").count() == 2


@pytest.mark.parametrize("kwargs, codes", [
    ({"income_channels": " ", "measures": ["employment"]}, {"channels"}),
    ({"income_channels": "务工", "measures": []}, {"measures"}),
    ({"income_channels": "务工", "measures": ["charity"]}, {"measures"}),
    ({"income_channels": "务工", "measures": ["finance"],
      "land_uses": [{"land": "farmland", "use": "sell", "area_mu": "1"}]}, {"land_use"}),
    ({"income_channels": "务工", "measures": ["finance"],
      "land_uses": [{"land": "forest", "use": "shares", "area_mu": "0"}]}, {"land_area"}),
    ({"income_channels": "务工", "measures": ["finance"],
      "land_uses": [{"land": "forest", "use": "shares", "area_mu": "1"},
                    {"land": "forest", "use": "transfer", "area_mu": "2"}]}, {"land_twice"}),
])
def test_a_bad_plan_is_refused(family, officer, kwargs, codes):
    with pytest.raises(Refused) as refused:
        record_plan(actor=officer, household=family["household"], **kwargs)
    assert set(refused.value.codes) == codes
    assert not SupportPlan.objects.exists()


def test_the_checklist_completes_item_by_item(family, officer):
    household = family["household"]
    for item, state in (("minimum_living", "kept"), ("pension", "transferred"), ("medical", "transferred"),
                        ("hukou", "transferred")):
        confirm_continuity(actor=officer, household=household, item=item, state=state,
                           done_on=datetime.date(2026, 3, 2), confirmed_by="县人社局 吴敏")
    found = checklist(household)
    assert not found["complete"] and found["missing"] == ["子女就学"]
    confirm_continuity(actor=officer, household=household, item="schooling", state="transferred",
                       done_on=datetime.date(2026, 3, 5), confirmed_by="安置点小学 陈老师")
    assert checklist(household)["complete"]


def test_a_bad_confirmation_is_refused(family, officer, cast):
    with pytest.raises(Refused) as refused:
        confirm_continuity(actor=officer, household=family["household"], item="pension", state="done",
                           done_on=datetime.date(2099, 1, 1), confirmed_by="")
    assert set(refused.value.codes) == {"state", "date_future", "confirmed_by"}
    with pytest.raises(OutOfScope):
        confirm_continuity(actor=cast["other_reviewer"], household=family["household"], item="pension",
                           state="kept", done_on=datetime.date(2026, 3, 1), confirmed_by="x")
    assert not ContinuityCheck.objects.exists()


def test_the_pages_record_a_plan_and_a_confirmation(client, cast, family):
    household = family["household"]
    client.force_login(cast["reviewer"])
    bad = client.post(reverse("aftercare:plan_new", args=[household.pk]),
                      {"income_channels": "", "farmland_use": "transfer", "farmland_area": "两亩"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "须填写至少一条稳定增收渠道" in text and "耕地面积“两亩”不是数字" in text
    good = client.post(reverse("aftercare:plan_new", args=[household.pk]), {
        "income_channels": "务工", "measures": ["employment", "public_post"], "farmland_use": "transfer",
        "farmland_area": "2"})
    assert good.status_code == 302 and current_plan(household).land_texts == ["耕地2.00亩流转"]
    bad = client.post(reverse("aftercare:continuity_new", args=[household.pk]), {"item": "pension"})
    assert bad.status_code == 400 and "请填写确认人" in bad.content.decode()
    good = client.post(reverse("aftercare:continuity_new", args=[household.pk]), {
        "item": "pension", "state": "transferred", "done_on": "2026-03-02", "confirmed_by": "县人社局 吴敏"})
    assert good.status_code == 302
    page = client.get(reverse("aftercare:household", args=[household.pk])).content.decode()
    assert "县人社局 吴敏" in page and "耕地2.00亩流转" in page
