"""A site's tasks tell the county bureau each is routed to; a return tells the bureau of the stage it
returns to that the case came back (not that a new task arrived)."""

from registry.models import SiteStage as T
from tests.notifications.conftest import who
from tests.workflows.test_site_walk import site, site_officials, stage_of, walk_selection  # noqa: F401
from workflows.sites import service as site_service


def test_site_tasks_and_a_return(site_officials, site):  # noqa: F811
    assert who("task_arrived") == {"natres": 1}
    walk_selection(site, site_officials)
    # 选址意见 and 方案报送, then one 方案会审 task per bureau of the joint review (settings' default four).
    assert who("task_arrived") == {"natres": 2, "county_office": 2, "housing": 1, "finance": 1}
    site_service.decide(site.pk, step="review_housing", actor=site_officials["housing"], decision="return",
                        opinion="选址地块存在地质灾害隐患，请重新论证")
    assert stage_of(site) == T.SELECTION
    assert who("case_returned") == {"natres": 1}
