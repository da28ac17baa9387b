"""Task priority as a sort key (issue 22 item 4): 优先办理 puts the households threatened by geological
hazard first (a newly found hazard, or relocated for 地方病/地质灾害); the keyset pager keeps the order
across pages."""

import html
import re

from registry.models import RelocationReason
from tests.factories import HouseholdFactory

NEXT = re.compile(r'<a href="(\?[^"]*)">下一页</a>')


def test_hazard_households_come_first_across_pages(client, cast, areas, settings):
    settings.APPROVALS_PAGE_SIZE = 2
    plain = [HouseholdFactory(village=areas["village_a"], new_geological_hazard=False,
                              relocation_reason=RelocationReason.FRAGILE_ECOLOGY) for _ in range(2)]
    hazard = HouseholdFactory(village=areas["village_a"], new_geological_hazard=True,
                              relocation_reason=RelocationReason.FRAGILE_ECOLOGY)
    disease = HouseholdFactory(village=areas["village_a"], new_geological_hazard=False,
                               relocation_reason=RelocationReason.DISEASE_OR_HAZARD)
    client.force_login(cast["clerk_a"])
    response = client.get("/work/?tab=queue&sort=priority")
    first = [r.case_number for r in response.context["rows"]]
    assert set(first) == {hazard.number, disease.number}
    nxt = html.unescape(NEXT.search(response.content.decode()).group(1))
    second = [r.case_number for r in client.get("/work/" + nxt).context["rows"]]
    assert set(second) == {p.number for p in plain}
    assert "优先办理" in response.content.decode()
