"""Registering and correcting a resettlement site through the API: the admin's form
(`registry.forms.SiteForm`, whose rules are the model's clean), the admin's area choices (county
or township within the caller's scope), the admin's audit events, one transaction."""

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from audit.log import record
from registry import siting
from registry.changes import all_field_names, snapshot
from registry.choices import areas_for
from registry.forms import SITE_FIELDS, SiteForm
from registry.models import AreaLevel, ResettlementSite

from .errors import ApiError, violation_list
from .registry_edit import Invalid, _form_errors

ADD, CHANGE = "registry.add_resettlementsite", "registry.change_resettlementsite"
SITE_LEVELS = [AreaLevel.COUNTY, AreaLevel.TOWNSHIP]


def _form(values: dict, instance, user, perm) -> tuple[SiteForm, dict]:
    errors: dict[str, list[str]] = {}
    data = dict(values)
    choices = areas_for(user, perm, SITE_LEVELS)
    if "area" in data:
        area = choices.filter(code=data["area"]).first()
        if area is None:
            errors["area"] = ["所在区划不存在，或不在您的管辖范围内（安置点须登记在县或乡镇一级）。"]
        data["area"] = area.pk if area else None
    for key in ("latitude", "longitude"):
        if data.get(key) is None:
            data[key] = ""
    form = SiteForm(data=data, instance=instance)
    form.fields["area"].queryset = choices
    if not form.is_valid():
        errors.update({k: v for k, v in _form_errors(form).items() if k not in errors})
    return form, errors


def create(user, values: dict, request=None) -> ResettlementSite:
    form, errors = _form(values, None, user, ADD)
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            site = form.save()
            record(user, "site.create", site, {"values": snapshot(site, all_field_names(ResettlementSite)),
                                               "via": "api"}, request=request)
    except IntegrityError:
        raise ApiError(409, "conflict", "保存时与另一记录冲突（安置点编号已被他人同时登记），请核对后重试。")
    return site


def update(user, site: ResettlementSite, values: dict, request=None) -> ResettlementSite:
    current = model_to_dict(site, fields=SITE_FIELDS)
    current["area"] = site.area.code
    before_instance = ResettlementSite.objects.get(pk=site.pk)
    form, errors = _form({**current, **values}, site, user, CHANGE)
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            # The plan is never cut below the households already counted, under the site row's lock
            # (registry/siting.py), so a household saved meanwhile is counted.
            found = siting.plan_violations(site, form.cleaned_data.get("planned_units"),
                                           form.cleaned_data.get("planned_persons"))
            if found:
                raise Invalid({v.field: [v.message] for v in found}, violation_list(found))
            changed = [n for n in form.changed_data if n in SITE_FIELDS]
            before = snapshot(before_instance, changed)
            site = form.save()
            after = snapshot(site, changed)
            changes = {n: {"before": before[n], "after": after[n]} for n in before if before[n] != after[n]}
            if changes:
                record(user, "site.change", site, {"changes": changes, "via": "api"}, request=request)
    except IntegrityError:
        raise ApiError(409, "conflict", "保存时与另一记录冲突（安置点编号已被他人同时登记），请核对后重试。")
    return ResettlementSite.objects.select_related("area").get(pk=site.pk)
