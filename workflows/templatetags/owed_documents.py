"""{% owed_documents household=… %} / {% owed_documents site=… %}: the documents a case is still
owed (rendering pending or failed, workflows/outbox.py), for its page."""

from django import template

from documents.types import label_of
from workflows.outbox import owed_for

register = template.Library()


@register.simple_tag
def owed_documents(household=None, site=None):
    if household is None and site is None:
        return []
    return owed_for(household=household, site=site)


@register.filter
def doc_label(code: str) -> str:
    """A document type's Chinese name."""
    return label_of(code)
