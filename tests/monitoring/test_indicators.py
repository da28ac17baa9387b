"""Each indicator against the hand-counted program of conftest.py: a removed household, a kept old
house, scattered households, a site without households and a site at the county itself."""

import datetime
from decimal import Decimal

import pytest

from monitoring import indicators
from monitoring.figures import breakdown, home_area, listed, rows, tally
from monitoring.indicators import BY_CODE, FIVE_RATES, INDICATORS, Figure
from registry.models import Employment, Relation
from tests.monitoring.conftest import ledger


def texts(area_figures):
    return {f.indicator.code: f.text for f in area_figures.figures}


def test_each_indicator_is_defined_once_with_its_parts():
    assert [i.name for i in FIVE_RATES] == ["集中安置率", "建房开工率", "搬迁入住率", "资金到位率", "产业配套率"]
    assert len({i.code for i in INDICATORS}) == len(INDICATORS) == 9
    for i in INDICATORS:
        assert i.numerator.label and i.denominator.label and i.counts and i.source
    assert BY_CODE["demolition"].excluded.label == "经批准保留旧房户数"


def test_a_figure_is_numerator_over_denominator_and_never_a_bare_percent():
    assert Figure(BY_CODE["started"], 1, 3).text == "1/3（33.3%）"
    assert Figure(BY_CODE["started"], 0, 0).text == "0/0（—）"
    assert Figure(BY_CODE["funds"], Decimal("5.5"), Decimal(10)).text == "5.50/10.00（55.0%）"


def test_the_county_figures_are_the_hand_counted_ones(program, areas):
    county = breakdown(areas["county"])
    assert texts(county.area) == {
        "centralised": "7/10（70.0%）",      # h5 (removed, 4 persons) is out; h3, h4, h7 scattered
        "started": "4/6（66.7%）",           # h1, h2, h3, h6
        "moved_in": "3/6（50.0%）",          # h1, h2, h3
        "funds": "5,500,000.50/10,500,000.00（52.4%）",
        "industry": "2/3（66.7%）",          # the site without households counts
        "completed": "3/6（50.0%）",
        "demolition": "2/2（100.0%）",       # h3's kept house is not due, and listed apart
        "reclamation": "1/2（50.0%）",
        "employment": "1/2（50.0%）",        # h3 has no labour; h2's labourer has no 就业台账 row
    }
    assert county.area.figure("demolition").excluded == 1
    assert county.area.figure("employment").excluded == 1  # h2: in the denominator, listed apart


def test_each_township_and_the_county_itself_one_level_down(program, areas):
    children = {c.name: texts(c) for c in breakdown(areas["county"]).children}
    assert list(children) == ["城关镇", "石桥乡", "本级（未落到下级区划）"]
    assert children["城关镇"]["centralised"] == "5/7（71.4%）"
    assert children["城关镇"]["started"] == "3/4（75.0%）"
    assert children["城关镇"]["funds"] == "5,000,000.50/8,000,000.00（62.5%）"
    assert children["城关镇"]["industry"] == "1/1（100.0%）"
    assert children["石桥乡"]["centralised"] == "2/3（66.7%）"
    assert children["石桥乡"]["started"] == "1/2（50.0%）"
    assert children["石桥乡"]["funds"] == "0.00/500,000.00（0.0%）"
    assert children["石桥乡"]["demolition"] == "0/0（—）"
    assert children["本级（未落到下级区划）"]["industry"] == "0/1（0.0%）"
    assert children["本级（未落到下级区划）"]["funds"] == "500,000.00/2,000,000.00（25.0%）"


def test_a_township_post_counts_its_township_only(program, areas, cast):
    reviewer = cast["reviewer"]
    assert home_area(reviewer) == areas["town"]
    assert home_area(cast["clerk_a"]) == areas["village_a"]
    assert home_area(cast["county_office"]) == areas["county"]
    # Even asked for the county, a township post's rows are its township's.
    county_seen = breakdown(areas["county"], reviewer)
    assert texts(county_seen.area)["started"] == "3/4（75.0%）"
    assert texts(county_seen.area)["funds"] == "5,000,000.50/8,000,000.00（62.5%）"
    assert [c.name for c in county_seen.children if c.values] == ["城关镇"]
    village = breakdown(areas["village_a"], cast["clerk_a"])
    assert texts(village.area)["started"] == "2/2（100.0%）" and village.children == []


@pytest.mark.parametrize("code", [i.code for i in INDICATORS])
def test_the_rows_behind_each_figure_add_up_to_it(program, areas, code):
    indicator = BY_CODE[code]
    figure = breakdown(areas["county"]).area.figure(code)
    for measure, value in ((indicator.numerator, figure.numerator), (indicator.denominator, figure.denominator)):
        if measure.total and measure.source == "site":
            assert sum(getattr(r, measure.total) for r in listed(measure)) == value
        elif measure.total:  # the arrivals of the listed sites
            assert sum(r.amount for r in rows(measure.source).filter(site__in=listed(measure))) == value
        elif measure.source == "person" and not measure.per_household:
            assert rows("person").filter(household__in=listed(measure)).count() == value
        else:
            assert listed(measure).count() == value


def test_four_queries_whatever_the_number_of_areas(program, areas, django_assert_num_queries):
    with django_assert_num_queries(4):
        tally("520999", 9)


# 就业率 from aftercare's 就业台账 (the latest month of each member with labour), at its edges.

def employment_of(area):
    figure = breakdown(area).area.figure("employment")
    return figure.numerator, figure.denominator, figure.excluded


def test_employment_counts_the_latest_month_of_the_ledger_not_the_registry_field(program, areas, cast):
    h1, h2 = program["households"]["h1"], program["households"]["h2"]
    office = cast["county_office"]
    head1 = h1.members.get(relation=Relation.HEAD)
    head2 = h2.members.get(relation=Relation.HEAD)
    # The registry's field says h2's head works: the ledger has no row, so he does not count.
    type(head2).objects.filter(pk=head2.pk).update(employment=Employment.LOCAL)
    assert employment_of(areas["county"]) == (1, 2, 1)
    this_month = datetime.date.today().replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    # h2's head worked last month (his latest month: employed), then has no job this month.
    ledger(head2, "wage", office, month=last_month)
    assert employment_of(areas["county"]) == (2, 2, 0)
    ledger(head2, "none", office, month=this_month)
    assert employment_of(areas["county"]) == (1, 2, 0)
    # Two entries for the same month: the later entry decides (a correction).
    ledger(head2, "public_post", office, month=this_month)
    assert employment_of(areas["county"]) == (2, 2, 0)
    # An older month written afterwards does not override the latest month.
    ledger(head1, "none", office, month=last_month)
    assert employment_of(areas["county"]) == (2, 2, 0)


def test_employment_counts_only_members_with_labour_of_moved_in_households(program, areas, cast):
    h = program["households"]
    office = cast["county_office"]
    # A child without labour with a job in the ledger does not make h2 employed.
    child = h["h2"].members.exclude(relation=Relation.HEAD).first()
    ledger(child, "wage", office)
    # h3 (no labour) and h6 (验收: not moved in) and h5 (清退) with jobs in the ledger stay out.
    for key in ("h3", "h6", "h5"):
        ledger(h[key].members.get(relation=Relation.HEAD), "wage", office)
    assert employment_of(areas["county"]) == (1, 2, 1)
    # The list behind each side adds up and names the households.
    employed = indicators.M_EMPLOYED
    assert [x.number for x in listed(employed)] == [h["h1"].number]
    assert sorted(x.number for x in listed(indicators.M_UNRECORDED)) == [h["h2"].number]
