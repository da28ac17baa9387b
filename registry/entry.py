"""新增搬迁户 / 编辑登记信息: the clerks' household entry page, outside the admin (issue 14 item 3).

The rules are the registry's own, as in the admin and the API: `HouseholdForm` and `MemberForm`
(GB 11643 check digit, one person in one active case), the member formset's
`policy.check_household` over the whole household, the site's capacity counted with its row locked
(`registry/siting.py`), and `registry/editing.py` for what may still change at the case's stage.
What this page adds:

- the household number is given by the system (`registry/numbering.py`), never typed;
- the policy rules are listed before anything is typed, and "核查" checks the form without saving;
- validation and saving run in one transaction (the site lock and the number's counter row are
  held until it ends); a refused form is shown again with everything typed, ID numbers included,
  and nothing stored;
- every create and change is an audit event with the values before and after, as in the admin.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.forms.models import inlineformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.log import record
from registry import editing, policy
from registry.changes import all_field_names, member_changes, member_values, snapshot
from registry.choices import areas_for, cadres_for, official_label, sites_for
from registry.forms import HOUSEHOLD_FIELDS, MEMBER_FIELDS, HouseholdForm, MemberForm, MemberInlineFormSet
from registry.models import AreaLevel, Household, Member
from registry.numbering import NumbersExhausted, next_household_number
from registry.scope import get_household_for

ADD, CHANGE = "registry.add_household", "registry.change_household"
NEW_MEMBER_ROWS = 6
CHECK_ONLY = "check"
CHECK_PASSED = "核查通过：符合全部登记政策要求，可以保存。"
CONFLICT = "保存时与另一记录冲突（身份证号码已被他人同时登记），请核对后重试。"
CHANGED_MEANWHILE = "该户的办理状态已在您提交前发生变化，请刷新后重新填写。"


class _CheckOnly(Exception):
    """Raised inside the transaction when nothing is to be stored (a refused form, or a check):
    rolls back the number's counter and releases the locks."""


class _Stale(Exception):
    """The case moved on (another official acted) between opening the form and saving it."""


class HouseholdEntryForm(HouseholdForm):
    class Meta(HouseholdForm.Meta):
        fields = [name for name in HOUSEHOLD_FIELDS if name != "number"]  # given by the system
        widgets = {
            "scattered_location": forms.TextInput(attrs={"placeholder": "分散安置时填写"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "poverty_reg_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args, user, perm, locked_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = areas_for(user, perm, [AreaLevel.VILLAGE])
        # 跨县安置: the other county's site both counties approved stays a choice (registry/choices.py).
        self.fields["site"].queryset = sites_for(user, perm, household=self.instance).order_by("code")
        self.fields["responsible_cadre"].queryset = cadres_for(user, perm)
        self.fields["responsible_cadre"].label_from_instance = official_label
        self.fields["village"].empty_label = "请选择村"
        self.fields["site"].empty_label = "不选（分散安置）"
        self.fields["responsible_cadre"].empty_label = "暂不指定"
        villages = list(self.fields["village"].queryset[:2])
        if self.instance.pk is None and len(villages) == 1:
            self.initial.setdefault("village", villages[0].pk)  # a village clerk has one village
        for name in locked_fields:
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = editing.IDENTITY_FIXED


def _formset_class(*, deletable: bool, extra: int):
    return inlineformset_factory(
        Household, Member, form=MemberForm, formset=MemberInlineFormSet, fields=MEMBER_FIELDS,
        extra=extra, can_delete=deletable,
    )


def policy_rules() -> list[str]:
    """The rules every household is checked against, in the officials' words, with today's settings."""
    area = policy.max_floor_area_per_person()
    funding = f"{policy.max_self_funding():,.0f}"
    return [
        "搬迁对象须为建档立卡贫困户，并填写建档立卡编号；严禁将非贫困户纳入搬迁。",
        "搬迁原因须为规定的四类情形之一；房屋危旧不能作为搬迁条件。",
        f"人均住房建设面积不超过{area}平方米（按登记的家庭成员人数核定）。",
        f"户均自筹资金不超过{funding}元，不因搬迁举债。",
        "财政供养人员及其直系亲属不得纳入搬迁对象。",
        "已享受“十三五”期间其他农村住房建设政策的，除整村搬迁或新发现地质灾害隐患外不得重复享受。",
        "严禁原址重建：新房不得建在原宅基地上。",
        "集中安置须选择本县的集中安置点，且不超过安置点的计划套数和人数；分散安置须填写安置地点。",
        "须有且只有一名户主，配偶至多一名；一人只能在一个有效的搬迁案件中登记。",
        "户编号由系统按“村级区划代码 + 4位顺序号”自动编制，保存后不再更改（评议、公示后所在村也不能修改）。",
    ]


def _state(household) -> str:
    return f"{household.stage}:{household.stage_round}"


def _valid(form, formset) -> bool:
    return not form.errors and formset is not None and not formset.total_error_count() \
        and not formset.non_form_errors()


def _page(request, *, form, formset, household=None, checked=False):
    return render(request, "registry/household_form.html", {
        "form": form,
        "formset": formset,
        "household": household,
        "rules": policy_rules(),
        "checked": checked,
        "case_state": _state(household) if household else "",
        "cancel_url": reverse("household_detail", args=[household.pk]) if household else reverse("household_list"),
    })


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm(ADD):
        raise PermissionDenied("您的岗位不能登记搬迁户。")
    formset_class = _formset_class(deletable=True, extra=NEW_MEMBER_ROWS)
    formset_class.request = request
    if request.method != "POST":
        return _page(request, form=HouseholdEntryForm(user=user, perm=ADD),
                     formset=formset_class(instance=Household(), prefix="members"))
    form = HouseholdEntryForm(request.POST, user=user, perm=ADD)
    checking = request.POST.get("action") == CHECK_ONLY
    formset = None
    try:
        with transaction.atomic():
            # Validation inside the transaction: the member formset counts the site's plan with the
            # site row locked, and the number's counter row is locked until the household is saved.
            form_ok = form.is_valid()
            household = form.instance
            formset = formset_class(request.POST, instance=household, prefix="members")
            if not (form_ok and formset.is_valid()):
                raise _CheckOnly
            if checking:
                messages.success(request, CHECK_PASSED)
                raise _CheckOnly
            household.number = next_household_number(household.village)
            household.save()
            record(user, "household.create", household,
                   {"values": snapshot(household, all_field_names(Household)), "via": "entry"}, request=request)
            for member in formset.save():
                record(user, "member.create", member, {"values": member_values(member), "via": "entry"},
                       request=request)
    except _CheckOnly:
        return _page(request, form=form, formset=formset, checked=checking and _valid(form, formset))
    except NumbersExhausted as exc:
        form.add_error("village", str(exc))
        return _page(request, form=form, formset=formset)
    except IntegrityError:
        messages.error(request, CONFLICT)
        return _page(request, form=form, formset=formset)
    messages.success(request, f"已登记搬迁户 {household.number}（{household.members.count()}人），户编号由系统编制。")
    return redirect("household_detail", household.pk)


@login_required
def household_edit(request: HttpRequest, pk) -> HttpResponse:
    user = request.user
    household = get_household_for(user, pk, CHANGE)
    if not editing.registry_editable(household.stage):
        messages.error(request, editing.stage_locked_message(household.stage))
        return redirect("household_detail", household.pk)
    locked = editing.fixed_fields(household.stage)
    deletable = editing.members_deletable(household.stage)
    formset_class = _formset_class(deletable=deletable, extra=2)
    formset_class.request = request
    if request.method != "POST":
        return _page(request, household=household,
                     form=HouseholdEntryForm(instance=household, user=user, perm=CHANGE, locked_fields=locked),
                     formset=formset_class(instance=household, prefix="members"))
    # The case as the official saw it when the form was opened (a hidden field of the page).
    seen = request.POST.get("case_state") or _state(household)
    before = Household.objects.get(pk=household.pk)
    form = HouseholdEntryForm(request.POST, instance=household, user=user, perm=CHANGE, locked_fields=locked)
    checking = request.POST.get("action") == CHECK_ONLY
    formset = None
    try:
        with transaction.atomic():
            current = Household.objects.select_for_update(of=("self",)).filter(pk=household.pk).first()
            if current is None or _state(current) != seen:
                raise _Stale
            form_ok = form.is_valid()
            formset = formset_class(request.POST, instance=form.instance, prefix="members")
            if not (form_ok and formset.is_valid()):
                raise _CheckOnly
            struck = [f.instance for f in formset.deleted_forms if f.instance.pk]
            for v in editing.edit_violations(household.stage, members_removed=len(struck)):
                messages.error(request, v.message)
                raise _CheckOnly
            if checking:
                messages.success(request, CHECK_PASSED)
                raise _CheckOnly
            _save_changes(request, before, form, formset, struck)
    except _CheckOnly:
        return _page(request, household=before, form=form, formset=formset, checked=checking and _valid(form, formset))
    except _Stale:
        messages.error(request, CHANGED_MEANWHILE)
        return redirect("household_detail", household.pk)
    except IntegrityError:
        messages.error(request, CONFLICT)
        return _page(request, household=before, form=form, formset=formset)
    messages.success(request, f"已保存搬迁户 {household.number} 的登记信息。")
    return redirect("household_detail", household.pk)


def _save_changes(request, before, form, formset, struck):
    user = request.user
    changed = [name for name in form.changed_data if name in HOUSEHOLD_FIELDS]
    was = snapshot(before, changed)
    household = form.save()
    now = snapshot(household, changed)
    changes = {n: {"before": was[n], "after": now[n]} for n in was if was[n] != now[n]}
    if changes:
        record(user, "household.change", household, {"changes": changes, "via": "entry"}, request=request)
    events = []
    for member_form in formset.forms:
        member = member_form.instance
        if member in struck:
            events.append(("member.delete", member, {"values": member_values(member), "via": "entry"}))
        elif member.pk is None and member_form.has_changed():
            events.append(("member.create", member, None))
        elif member.pk is not None:
            diff = member_changes(member_form)
            if diff:
                events.append(("member.change", member, {"changes": diff, "via": "entry"}))
    for action, member, data in events:
        if action == "member.delete":
            record(user, action, member, data, request=request)
    formset.save()
    for action, member, data in events:
        if action == "member.create":
            record(user, action, member, {"values": member_values(member), "via": "entry"}, request=request)
        elif action == "member.change":
            record(user, action, member, data, request=request)
