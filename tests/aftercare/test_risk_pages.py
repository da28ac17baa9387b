import datetime

from django.urls import reverse

from aftercare import risks
from aftercare.models import Risk


def test_a_risk_raised_by_hand_is_worked_and_closed_on_the_pages(client, cast, family):
    household = family["household"]
    client.force_login(cast["reviewer"])
    bad = client.post(reverse("aftercare:risk_new", args=[household.pk]), {"risk_type": "", "detail": ""})
    assert bad.status_code == 400 and "请选择风险类型" in bad.content.decode()
    response = client.post(reverse("aftercare:risk_new", args=[household.pk]),
                           {"risk_type": "01", "detail": "户主患大病住院"})
    risk = Risk.objects.get(rule="manual")
    assert response.status_code == 302
    refused = client.post(reverse("aftercare:risk_request_close", args=[risk.pk]), {"text": "已出院"})
    assert refused.status_code == 400 and "须先登记至少一项帮扶措施" in refused.content.decode()
    client.post(reverse("aftercare:risk_measure", args=[risk.pk]), {"text": "落实大病救助和医保报销"})
    client.post(reverse("aftercare:risk_request_close", args=[risk.pk]), {"text": "已出院，医疗费用已报销"})
    assert client.post(reverse("aftercare:risk_decide", args=[risk.pk]),
                       {"decision": "approve", "text": "同意"}).status_code == 403
    client.force_login(cast["leader"])
    page = client.get(reverse("aftercare:risk", args=[risk.pk])).content.decode()
    assert "审批风险消除" in page and "落实大病救助和医保报销" in page
    assert client.post(reverse("aftercare:risk_decide", args=[risk.pk]),
                       {"decision": "approve", "text": "同意风险消除"}).status_code == 302
    assert Risk.objects.get(pk=risk.pk).status == "closed"


def test_risks_of_another_area_answer_404(client, cast, family):
    risk = risks.scan_household(family["household"], datetime.date(2026, 4, 10))[0]
    client.force_login(cast["other_reviewer"])
    assert client.get(reverse("aftercare:risk", args=[risk.pk])).status_code == 404
    assert client.post(reverse("aftercare:risk_measure", args=[risk.pk]), {"text": "x"}).status_code == 404
    assert "data-risk=" not in client.get(reverse("aftercare:risks")).content.decode()
    client.force_login(cast["clerk_a"])
    listing = client.get(reverse("aftercare:risks")).content.decode()
    assert f'data-risk="{risk.pk}"' in listing and "城关镇" in listing


def test_recording_income_runs_the_rules(client, cast, family, settings):
    settings.AFTERCARE_MONITORING_LINE = "6000"
    client.force_login(cast["reviewer"])
    response = client.post(reverse("aftercare:income_new", args=[family["household"].pk]), {
        "year": 2026, "quarter": 1, "wage": "300", "head_signed_on": "2026-03-31"}, follow=True)
    assert "防返贫监测" in response.content.decode()
    assert Risk.objects.filter(household=family["household"], rule="below_line").exists()
