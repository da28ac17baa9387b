"""Carrying out a confirmed import (issue 21 item 2): each valid household in its own transaction,
created or updated through the registry's own forms and rules, idempotent by ID number.

The list is read again from the stored file and checked again against the database as it is now
(intake/checking.py); a household whose plan differs from the one the official confirmed (someone
changed it meanwhile) is not stored and says so. Inside each household's transaction:
`registry.forms.HouseholdForm` and `MemberForm` (the admin's and the API's validation: GB 11643,
one person in one active case), `registry.policy.check_household`, the site's planned size through
`registry.siting.assignment_violations` (the locked function), a new household's number from
`registry.numbering.next_household_number`; the audit events the admin writes, marked as an import.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from audit.log import record
from registry import editing, policy, siting
from registry.changes import all_field_names, member_changes, member_values, snapshot
from registry.choices import areas_for, sites_for
from registry.forms import HOUSEHOLD_FIELDS, MEMBER_FIELDS, HouseholdForm, MemberForm
from registry.models import AreaLevel, Household, Member
from registry.numbering import NumbersExhausted, next_household_number

from . import checking
from .checking import CREATE, REJECTED, UNCHANGED, UPDATE, Planned
from .models import MemberDetail


class Refused(Exception):
    def __init__(self, messages):
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    messages: list = field(default_factory=list)  # [key, first row, message]


def plan_key(plan: dict | Planned) -> str:
    if isinstance(plan, Planned):
        return f"{plan.key}@{plan.first_row}"
    return f"{plan['key']}@{plan['first_row']}"


def commit(batch, file, *, user, progress=None) -> Outcome:
    confirmed = {plan_key(p): p["digest"] for p in batch.report.get("plans", [])
                 if p["action"] in (CREATE, UPDATE)}
    result = checking.check(file, user=user, area=batch.area)
    outcome = Outcome()
    if result.file_problems:
        outcome.messages.extend(["", 0, m] for m in result.file_problems)
        return outcome
    total = len(result.planned)
    for n, plan in enumerate(result.planned, start=1):
        key = plan_key(plan)
        if plan.action == UNCHANGED:
            outcome.unchanged += 1
        elif plan.action == REJECTED:
            outcome.rejected += 1
        elif key not in confirmed or confirmed[key] != plan.digest():
            outcome.rejected += 1
            outcome.messages.append([plan.key, plan.first_row,
                                     "核对后该户的登记情况已发生变化，与确认时显示的不同：未导入，请重新上传核对。"])
        else:
            try:
                store(plan, user=user, batch=batch)
            except Refused as exc:
                outcome.rejected += 1
                outcome.messages.extend([plan.key, plan.first_row, m] for m in exc.messages)
            else:
                if plan.action == CREATE:
                    outcome.created += 1
                else:
                    outcome.updated += 1
        if progress and (n % 50 == 0 or n == total):
            progress(n, total)
    return outcome


def _household_data(plan: Planned, current: Household | None) -> dict:
    data = model_to_dict(current, fields=HOUSEHOLD_FIELDS) if current is not None else {}
    household = plan.household
    for name in HOUSEHOLD_FIELDS:
        if name == "number" and current is not None:
            continue
        model_field = Household._meta.get_field(name)
        value = getattr(household, model_field.attname)
        if name == "responsible_cadre" and current is None:
            value = None
        data[name] = "" if value is None else value
    return data


def _member_data(person, stored: Member | None) -> dict:
    data = model_to_dict(stored, fields=MEMBER_FIELDS) if stored is not None else {}
    for name in MEMBER_FIELDS:
        data[name] = getattr(person.member, name)
    data["id_number_entry"] = person.id_number
    return data


def _errors(form) -> list[str]:
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out.extend(f"{label}：{e}" if label else str(e) for e in errors)
    return out


def store(plan: Planned, *, user, batch) -> Household:
    """One household in one transaction; raises Refused (nothing stored) when a rule fails."""
    perm = checking.CHANGE if plan.existing_id else checking.ADD
    request = SimpleNamespace(user=user)
    try:
        with transaction.atomic():
            current = None
            if plan.existing_id:
                current = Household.objects.select_for_update(of=("self",)).filter(pk=plan.existing_id).first()
                if current is None:
                    raise Refused(["该户已不存在。"])
                if not editing.registry_editable(current.stage):
                    raise Refused([editing.stage_locked_message(current.stage)])
            data = _household_data(plan, current)
            if current is None:
                try:
                    data["number"] = next_household_number(plan.village)
                except NumbersExhausted as exc:
                    raise Refused([str(exc)])
            form = HouseholdForm(data=data, instance=current)
            form.fields["village"].queryset = areas_for(user, perm, [AreaLevel.VILLAGE])
            form.fields["site"].queryset = sites_for(user, perm)
            if not form.is_valid():
                raise Refused(_errors(form))
            household = form.instance
            stored = {m.pk: m for m in current.members.all()} if current is not None else {}
            member_forms = []
            for person in plan.persons:
                before = stored.get(person.member.pk) if person.member.pk else None
                instance = before if before is not None else Member(household=household)
                member_form = MemberForm(data=_member_data(person, before), instance=instance, request=request,
                                         parent=household)
                if not member_form.is_valid():
                    raise Refused([f"{person.member.name}：{m}" for m in _errors(member_form)])
                member_forms.append((member_form, person))
            kept = [m for pk, m in stored.items() if pk not in {f.instance.pk for f, _ in member_forms}]
            members = [f.instance for f, _ in member_forms] + kept
            violations = policy.check_household(household, members)
            if not policy.blocking(violations):
                violations += siting.assignment_violations(household, members)  # the site row locked
            blocking = policy.blocking(violations)
            if blocking:
                raise Refused([v.message for v in blocking])
            via = {"via": "import", "batch": batch.pk}
            if current is None:
                household = form.save()
                record(user, "household.create", household,
                       {"values": snapshot(household, all_field_names(Household)), **via})
            else:
                before = snapshot(Household.objects.get(pk=current.pk), form.changed_data)
                household = form.save()
                after = snapshot(household, form.changed_data)
                changes = {n: {"before": before[n], "after": after[n]} for n in before if before[n] != after[n]}
                if changes:
                    record(user, "household.change", household, {"changes": changes, **via})
            for member_form, person in member_forms:
                is_new = member_form.instance.pk is None
                changes = {} if is_new else member_changes(member_form)
                member = member_form.save(commit=False)
                member.household = household
                if is_new or changes:
                    member.save()
                    if is_new:
                        record(user, "member.create", member, {"values": member_values(member), **via})
                    else:
                        record(user, "member.change", member, {"changes": changes, **via})
                _keep_detail(member, person, batch)
            return household
    except IntegrityError:
        raise Refused(["保存时与另一记录冲突（身份证号码或户编号已被同时登记），请重新核对后导入。"])


def _keep_detail(member, person, batch):
    v = person.row.values
    values = {name: str(v.get(key) or "")[:MemberDetail._meta.get_field(name).max_length]
              for name, key in checking.DETAIL_FROM.items()}
    values["disability_suffix"] = person.suffix
    detail = MemberDetail.objects.filter(member=member).first()
    if detail is None:
        MemberDetail.objects.create(member=member, batch=batch, **values)
    elif any(getattr(detail, k) != val for k, val in values.items()):
        for k, val in values.items():
            setattr(detail, k, val)
        detail.batch = batch
        detail.save()
