"""What an audit event says about a registry record: its values, masked where they are ID numbers,
and a member's change as before/after. One copy for the admin, the household entry page and the API.
"""

from django.core.exceptions import FieldDoesNotExist

from registry.crypto import EncryptedTextField
from registry.forms import MEMBER_FIELDS
from registry.idnumbers import mask_id_number
from registry.models import Member

NEVER_AUDITED = {"password", "last_login"}


def audit_value(instance, name):
    """A JSON-ready value of one field for the audit trail: ID numbers masked, relations by id and name."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(str(related) for related in getattr(instance, name).all())
    if field.many_to_one or field.one_to_one:
        related_id = getattr(instance, field.attname)
        return None if related_id is None else {"id": related_id, "name": str(getattr(instance, name))}
    value = getattr(instance, field.attname)
    if isinstance(field, EncryptedTextField):
        return mask_id_number(value or "")
    return value


def audited_fields(model, names):
    found = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete or field.many_to_many:
            if name not in NEVER_AUDITED:
                found.append(name)
    return found


def snapshot(instance, names):
    return {name: audit_value(instance, name) for name in audited_fields(type(instance), names)}


def all_field_names(model):
    return [f.name for f in model._meta.get_fields() if (f.concrete or f.many_to_many) and not f.auto_created]


def member_changes(form) -> dict:
    """{field: {"before", "after"}} of a validated MemberForm of an existing member (the instance
    holds the new values until saved); ID numbers masked. The API's corrections use it too."""
    member = form.instance
    changes = {}
    for name in audited_fields(Member, form.changed_data):
        before, after = form.initial.get(name), audit_value(member, name)
        if before != after:
            changes[name] = {"before": before, "after": after}
    if form.id_changed:
        changes["id_number"] = {"before": form.masked_before, "after": member.id_number_masked}
    return changes


def member_values(member):
    values = snapshot(member, ["household", *MEMBER_FIELDS, "sex", "birth_date"])
    values["id_number"] = member.id_number_masked
    return values
