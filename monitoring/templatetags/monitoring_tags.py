"""The one way a figure is printed on a page: numerator/denominator, each a link to the rows
behind it, and the percent beside them (never a bare percent)."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

register = template.Library()


def _n(value) -> str:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01')):,}"
    return str(value)


def drill_url(prefix_or_area, **params) -> str:
    """A prefix without its own area (the county's own sites, beside its townships) lists the rows
    registered on the area itself (`own=1`)."""
    code = getattr(prefix_or_area, "code", None)
    if code is None:
        code, params = prefix_or_area.ljust(12, "0"), {**params, "own": "1"}
    return f"{reverse('monitoring:list')}?{urlencode({'area': code, **params})}"


@register.simple_tag
def figure_links(figure, area):
    """`area` is the AdminArea (or, for rows on the level above without an area of their own, their prefix)."""
    i = figure.indicator
    percent = "—" if figure.percent is None else f"{figure.percent}%"
    return format_html(
        '<span class="figure" title="{}"><a href="{}" title="{}">{}</a>/<a href="{}" title="{}">{}</a>'
        '<span class="percent">（{}）</span></span>',
        i.counts, drill_url(area, measure=i.numerator.key), i.numerator.label, _n(figure.numerator),
        drill_url(area, measure=i.denominator.key), i.denominator.label, _n(figure.denominator), percent,
    )


@register.simple_tag
def drill(area, **params):
    return drill_url(area, **{k: v for k, v in params.items() if v not in ("", None)})


@register.filter
def money(value) -> str:
    """Yuan with thousands separators and two decimals, as the figures print them."""
    return _n(Decimal(value or 0))
