"""日报 (seed 000's daily report) of an area as a one-page PDF through the documents engine: 文号,
QR code, filed in the archive like every document; beside the Excel of the same figures
(exports.daily_report).

What it prints: the area's rates (numerator/denominator and percent), the 五率 of each area one
level down, households per stage with the overdue ones, and the overdue households by the post of
their open step — all from the cockpit's tally (monitoring/tallies.py) with the time it was
counted, over the whole area (the view has checked that the area lies in the user's scope).
Kept to one A4 page: the lower areas' table prints the 五率 as percents (their figures are on the
cockpit), at most `AREAS_PRINTED` of them.
"""

from django.utils import timezone

from documents.services import generate_document
from documents.types import DocumentSpec, Subject, register
from documents.types.common import area_path, chinese_date

from .cockpit import overdue_by_post, stage_counts
from .indicators import FIVE_RATES
from .tallies import breakdown_for

DOC_TYPE = "daily_report"
AREAS_PRINTED = 25


def _percent(figure) -> str:
    return "—" if figure.percent is None else f"{figure.percent}%"


def build_context(subject: Subject, *, public: bool) -> dict:
    area = subject.area
    figures, counted = breakdown_for(area)
    totals = counted.total()
    children = [c for c in figures.children if c.values][:AREAS_PRINTED]
    taken = timezone.localtime(counted.taken_at)
    return {
        "area": area_path(subject.area_code),
        "name": area.name,
        "day": chinese_date(taken.date()),
        "taken_at": f"{chinese_date(taken.date())} {taken:%H:%M}",
        "rates": [{"name": f.indicator.name, "five": f.indicator.five, "figure": f.text} for f in figures.area.figures],
        "five": [i.name for i in FIVE_RATES],
        "children": [{"name": c.name, "rates": [_percent(c.figure(i.code)) for i in FIVE_RATES]} for c in children],
        "more_children": max(0, len([c for c in figures.children if c.values]) - AREAS_PRINTED),
        "stages": [{"label": c.label, "count": c.count, "overdue": c.overdue} for c in stage_counts(totals)],
        "posts": [{"label": p.label, "count": p.count} for p in overdue_by_post(totals)],
    }


def _title(subject: Subject) -> str:
    return f"{subject.area.name}易地扶贫搬迁工作日报"


SPEC = register(DocumentSpec(
    code=DOC_TYPE, label="易地扶贫搬迁工作日报", number_word="日报", template="documents/pdf/daily_report.html",
    version="1", build_context=build_context, title=_title, full_id_numbers=False))


def issue_daily(area, *, actor=None, request=None):
    """The area's 日报 as of the tally's time: a new document with its 文号, filed."""
    return generate_document(DOC_TYPE, actor=actor, area=area, request=request)
