"""Entering and correcting a household through the API: the admin's forms and rules, the
admin's audit events, one transaction.

Validation is the registry's own: `registry.forms.HouseholdForm` (model rules, unique number),
`MemberForm` (GB 11643 check digit, one person in one active case, with the scoped message) and
`registry.policy.check_household` over the household and the complete member list. Choices are
limited to the official's scope as in the admin (villages, sites, 包保责任人). Every violated rule
comes back at once, keyed by field; nothing is stored unless all hold.
"""

from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from audit.log import record
from registry import editing, policy, siting
from registry.changes import all_field_names, member_changes, member_values, snapshot
from registry.choices import areas_for, cadres_for, sites_for
from registry.forms import HOUSEHOLD_FIELDS, HouseholdForm, MemberForm
from registry.models import AreaLevel, Household, Member

from .errors import ApiError

# Which registry facts may change at which stage is the registry's rule (registry/editing.py),
# the same one the admin enforces.
ADD, CHANGE = "registry.add_household", "registry.change_household"


class Invalid(ApiError):
    def __init__(self, fields: dict, violations=None, code="invalid"):
        message = "；".join(m for ms in fields.values() for m in ms)
        super().__init__(400, code, message, fields, violations)


def _form_data(values: dict, user, perm) -> tuple[dict, dict]:
    """API values → HouseholdForm data (village by its code)."""
    errors: dict[str, list[str]] = {}
    data = dict(values)
    data.pop("members", None)
    if "village" in data:
        code = data["village"]
        village = areas_for(user, perm, [AreaLevel.VILLAGE]).filter(code=code).first()
        if village is None:
            errors["village"] = ["所在村不存在，或不在您的管辖范围内（须为村级区划代码）。"]
            data["village"] = None
        else:
            data["village"] = village.pk
    for key in ("site", "responsible_cadre", "homestead_area"):
        if data.get(key) is None:
            data[key] = ""
    return data, errors


def _household_form(data, instance, user, perm):
    form = HouseholdForm(data=data, instance=instance)
    form.fields["village"].queryset = areas_for(user, perm, [AreaLevel.VILLAGE])
    form.fields["site"].queryset = sites_for(user, perm, household=instance)
    form.fields["responsible_cadre"].queryset = cadres_for(user, perm)
    return form


def _form_errors(form, prefix="") -> dict:
    out = {}
    for name, errors in form.errors.items():
        key = "non_field_errors" if name == "__all__" else ("id_number" if name == "id_number_entry" else name)
        out[f"{prefix}{key}"] = [str(e) for e in errors]
    return out


def _member_forms(entries, household, user, errors):
    """(form, entry) per listed member; unknown ids are errors."""
    existing = {m.pk: m for m in household.members.all()} if household.pk else {}
    forms = []
    request = SimpleNamespace(user=user)
    for index, entry in enumerate(entries):
        prefix = f"members[{index}]."
        member_id = entry.get("id")
        if member_id is not None and member_id not in existing:
            errors[f"{prefix}id"] = ["本户没有该成员（编号有误）。"]
            continue
        instance = existing.get(member_id) or Member(household=household)
        data = {k: v for k, v in entry.items() if k not in ("id", "id_number")}
        data["id_number_entry"] = entry.get("id_number") or ""
        form = MemberForm(data=data, instance=instance, request=request, parent=household)
        if not form.is_valid():
            errors.update(_form_errors(form, prefix))
        forms.append((form, entry))
    return forms, existing


def _check_policy(household, members, errors) -> list:
    """The household's rules; the site's plan is counted later, inside the saving transaction."""
    violations = policy.check_household(household, members)
    for v in policy.blocking(violations):
        errors.setdefault(v.field or "non_field_errors", []).append(v.message)
    return violations


def _check_site(household, members):
    """Inside the saving transaction, with the site row locked (registry/siting.py): two requests
    racing for the last unit cannot both pass. Refused as 400 like every other rule, rolled back."""
    found = policy.blocking(siting.assignment_violations(household, members))
    if found:
        fields: dict[str, list[str]] = {}
        for v in found:
            fields.setdefault(v.field or "non_field_errors", []).append(v.message)
        raise Invalid(fields, _violation_list(found))


def create(user, values: dict, request=None) -> tuple[Household, list[str]]:
    data, errors = _form_data(values, user, ADD)
    form = _household_form(data, None, user, ADD)
    if not form.is_valid():
        errors.update({k: v for k, v in _form_errors(form).items() if not (k == "village" and "village" in errors)})
    household = form.instance
    if household.village_id is None:
        raise Invalid(errors)
    member_forms, _ = _member_forms(values.get("members", []), household, user, errors)
    violations = _check_policy(household, [f.instance for f, _ in member_forms], errors)
    if errors:
        raise Invalid(errors, _violation_list(violations))
    try:
        with transaction.atomic():
            _check_site(household, [f.instance for f, _ in member_forms])
            household = form.save()
            record(user, "household.create", household, {"values": snapshot(household, all_field_names(Household)),
                                                         "via": "api"}, request=request)
            for member_form, _ in member_forms:
                member = member_form.save(commit=False)
                member.household = household
                member.save()
                record(user, "member.create", member, {"values": member_values(member), "via": "api"},
                       request=request)
    except IntegrityError:
        raise ApiError(409, "conflict", "保存时与另一记录冲突（户编号或身份证号码已被他人同时登记），请核对后重试。")
    return household, _warnings(member_forms, violations)


def update(user, household: Household, values: dict, request=None) -> tuple[Household, list[str]]:
    if not editing.registry_editable(household.stage):
        raise ApiError(409, "stage_locked", editing.stage_locked_message(household.stage))
    errors: dict[str, list[str]] = {}
    identity = {"number": household.number, "village": household.village.code}
    changed_identity = [name for name, current in identity.items() if name in values and values[name] != current]
    current = model_to_dict(household, fields=HOUSEHOLD_FIELDS)
    current["village"] = household.village.code
    merged = {**current, **{k: v for k, v in values.items() if k != "members"}}
    data, village_errors = _form_data(merged, user, CHANGE)
    errors.update(village_errors)
    before_instance = Household.objects.get(pk=household.pk)
    form = _household_form(data, household, user, CHANGE)
    if not form.is_valid():
        errors.update({k: v for k, v in _form_errors(form).items() if k not in errors})
    household = form.instance
    if "members" in values:
        member_forms, existing = _member_forms(values["members"], household, user, errors)
        listed = {e.get("id") for _, e in member_forms if e.get("id") is not None}
        struck = [m for pk, m in existing.items() if pk not in listed]
        kept = [f.instance for f, _ in member_forms]
    else:
        member_forms, struck = [], []
        kept = list(household.members.all())
    for v in editing.edit_violations(household.stage, fields=changed_identity, members_removed=len(struck)):
        errors.setdefault(v.field, []).insert(0, v.message)
    violations = _check_policy(household, kept, errors)
    if errors:
        raise Invalid(errors, _violation_list(violations))
    try:
        with transaction.atomic():
            _check_site(household, kept)  # the site row first, then the household's
            locked = Household.objects.select_for_update(of=("self",)).filter(pk=household.pk).first()
            if locked is None or (locked.stage, locked.stage_round) != (before_instance.stage,
                                                                        before_instance.stage_round):
                raise ApiError(409, "conflict", "该户的办理状态已在您提交前发生变化，请刷新后重试。")
            changed = [n for n in form.changed_data if n in HOUSEHOLD_FIELDS]
            before = snapshot(before_instance, changed)
            household = form.save()
            after = snapshot(household, changed)
            changes = {n: {"before": before[n], "after": after[n]} for n in before if before[n] != after[n]}
            if changes:
                record(user, "household.change", household, {"changes": changes, "via": "api"}, request=request)
            for member in struck:
                record(user, "member.delete", member, {"values": member_values(member), "via": "api"},
                       request=request)
                member.delete()
            for member_form, _ in member_forms:
                _save_member(user, member_form, household, request)
    except IntegrityError:
        raise ApiError(409, "conflict", "保存时与另一记录冲突（身份证号码已被他人同时登记），请核对后重试。")
    return Household.objects.get(pk=household.pk), _warnings(member_forms, violations)


def _save_member(user, form, household, request):
    is_new = form.instance.pk is None
    if not is_new and not form.changed_data and not form.id_changed:
        return
    changes = {} if is_new else member_changes(form)  # the admin's diff, before saving
    member = form.save(commit=False)
    member.household = household
    member.save()
    if is_new:
        record(user, "member.create", member, {"values": member_values(member), "via": "api"},
               request=request)
        return
    if changes:
        record(user, "member.change", member, {"changes": changes, "via": "api"}, request=request)


def _violation_list(violations):
    return [{"code": v.code, "field": v.field, "message": v.message} for v in policy.blocking(violations)] or None


def _warnings(member_forms, violations) -> list[str]:
    found = [f"{form.instance.name}：{w}" for form, _ in member_forms for w in form.id_warnings]
    return found + [v.message for v in violations if not v.blocking]
