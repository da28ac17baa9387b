"""The completeness report: a walked household is complete; an item removed behind the
application's back is named, on the page and in the Excel sheet; the report is scoped."""

import io

from openpyxl import load_workbook

from archive.completeness import household_gaps
from archive.models import ArchiveItem
from tests.workflows.test_documents import walk


def test_a_walked_household_lacks_nothing_and_a_removed_item_is_found(
        client, named, give, areas, family, django_capture_on_commit_callbacks):
    walk(family, named, give, areas, django_capture_on_commit_callbacks)
    family = type(family).objects.get(pk=family.pk)
    assert family.stage == "follow_up" and household_gaps(family) == []

    # Behind the application's back: the filed 签字搬迁协议 vanishes from the archive.
    ArchiveItem.objects.filter(evidence__household=family, evidence__kind="signed_agreement").delete()
    gaps = household_gaps(family)
    assert [(g.stage_label, g.codes) for g in gaps] == [("审核", ["signed_agreement"])]

    client.force_login(named["reviewer"])
    page = client.get("/archive/completeness/").content.decode()
    assert family.number in page and "签字搬迁协议" in page
    sheet = load_workbook(io.BytesIO(client.get("/archive/completeness/?format=xlsx").content)).active
    assert [family.number, "审核", "签字搬迁协议"] in [[r[1], r[3], r[4]] for r in sheet.iter_rows(values_only=True)]

    client.force_login(named["clerk_b"])
    assert family.number not in client.get("/archive/completeness/").content.decode()
