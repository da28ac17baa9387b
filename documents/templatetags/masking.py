"""{% load masking %}: {{ value|mask_id }} and {{ value|mask_phone }} for any template."""

from django import template

from documents.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter(name="mask_id")
def mask_id_filter(value):
    return mask_id_number(str(value or ""))


@register.filter(name="mask_phone")
def mask_phone_filter(value):
    return mask_phone(str(value or ""))
