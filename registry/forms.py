"""Forms of the registry: the household and member forms the admin edits cases with, and the
search box of the household list.

The hard rules are not repeated here: the member formset hands the household and its members to
`registry.policy.check_household`, and ID numbers go through `registry.idnumbers`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet

from registry import policy, siting
from registry.crypto import blind_index
from registry.idnumbers import check_id_number, normalise
from registry.models import Household, Member, ResettlementSite

HOUSEHOLD_FIELDS = [
    "number", "village", "poverty_registered", "poverty_reg_number", "relocation_reason", "resettlement_mode",
    "site", "scattered_location", "on_original_homestead", "planned_floor_area", "self_funding",
    "homestead_area", "whole_village_relocation", "new_geological_hazard", "responsible_cadre", "contact_phone",
]
MEMBER_FIELDS = [
    "name", "relation", "labour_ability", "willing_to_work", "employment", "state_salaried",
    "relative_of_state_salaried", "prior_housing_benefit",
]
OTHER_ACTIVE_CASE = "此身份证号码已在另一个有效的搬迁户中登记（一人只能在一个有效案件中）。"


class HouseholdForm(forms.ModelForm):
    # `stage` is absent on purpose: only a lifecycle transition may write it (protected FSMField).
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS


SITE_FIELDS = ["code", "name", "area", "kind", "location", "latitude", "longitude", "planned_units",
               "planned_persons", "planned_funds"]


class SiteForm(forms.ModelForm):
    """A resettlement site as the admin and the API register and correct it; its rules are the
    model's (`ResettlementSite.clean`: county or township, coordinates in range). `stage` is absent:
    only a site transition writes it."""

    class Meta:
        model = ResettlementSite
        fields = SITE_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and transaction.get_connection().in_atomic_block:
            # The admin's change view is atomic: the site row stays locked until the plan is saved.
            # The API checks again inside its own transaction (api/site_edit.py).
            for v in siting.plan_violations(self.instance, cleaned.get("planned_units"),
                                            cleaned.get("planned_persons")):
                self.add_error(v.field, v.message)
        return cleaned


class MemberForm(forms.ModelForm):
    """One member. The ID number is typed into a plain field and never shown back in full:
    an existing member's field stays empty (placeholder: the masked number) and empty keeps it."""

    id_number_entry = forms.CharField(
        label="身份证号码", required=False, max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 22}),
    )

    class Meta:
        model = Member
        fields = MEMBER_FIELDS

    def __init__(self, *args, request=None, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.parent = parent
        self.id_warnings: list[str] = []
        self.id_changed = False
        self.masked_before = self.instance.id_number_masked if self.instance.pk else ""
        if self.instance.pk:
            field = self.fields["id_number_entry"]
            field.widget.attrs["placeholder"] = self.masked_before
            field.help_text = "留空则保留原号码；更正时请输入完整的18位号码。"
        else:
            self.fields["id_number_entry"].help_text = "18位居民身份证号码，末位可为X。"

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("id_number_entry", "")
        if not raw:
            if self.instance.pk is None:
                self.add_error("id_number_entry", "新登记的家庭成员须填写身份证号码。")
            return cleaned
        try:
            checked = check_id_number(raw)
        except ValidationError as exc:
            self.add_error("id_number_entry", exc)
            return cleaned
        if self.instance.pk and blind_index(checked.number) == self.instance.id_index:
            return cleaned  # the same number typed again: nothing changes
        self.id_warnings = list(self.instance.set_id_number(checked.number))
        self.id_changed = True
        self._check_one_active_case()
        return cleaned

    def _check_one_active_case(self):
        """"不漏户、不掉人": one person, one active case. The database refuses it too
        (one_person_one_active_case); here the official reads which case holds the person."""
        if self.parent is not None and not self.parent.is_active:
            return  # a removed (清退) case holds nobody
        other = (
            Member.objects.filter(id_index=self.instance.id_index, case_active=True)
            .exclude(pk=self.instance.pk)
            .select_related("household__village")
            .first()
        )
        if other is None:
            return
        household = other.household
        user = getattr(self.request, "user", None)
        if self.parent is not None and self.parent.pk and household.pk == self.parent.pk:
            message = f"本户成员“{other.name}”已登记此身份证号码。"
        elif user is not None and user.has_perm("registry.view_household", household):
            message = (
                f"此身份证号码已在搬迁户 {household.number}（{household.village.name}）中登记为“{other.name}”，"
                "一人只能在一个有效案件中。"
            )
        else:
            message = OTHER_ACTIVE_CASE
        self.add_error("id_number_entry", message)


class MemberInlineFormSet(BaseInlineFormSet):
    """The members of one household, checked together with it against every policy rule."""

    request = None  # the admin sets it on the class it builds for each request

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs.update(request=self.request, parent=self.instance)
        return kwargs

    def kept_forms(self):
        """The forms that will be members after saving: existing ones not deleted, and filled-in new ones."""
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.instance.pk or form.has_changed():
                kept.append(form)
        return kept

    def clean(self):
        super().clean()
        kept = self.kept_forms()
        # The parent form has run already, so self.instance carries the submitted household values.
        members = [form.instance for form in kept]
        violations = policy.check_household(self.instance, members)
        if not policy.blocking(violations):  # the site's plan is counted only for an otherwise valid case
            # With the site row locked for the rest of the admin's transaction (its change view is
            # atomic): the one assignment check (registry/siting.py).
            violations += siting.assignment_violations(self.instance, members)
        if self.request is not None:
            for form in kept:
                for warning in form.id_warnings:
                    messages.warning(self.request, f"{form.instance.name}：{warning}")
            for violation in violations:
                if not violation.blocking:
                    messages.warning(self.request, violation.message)
        blocking = [violation.message for violation in policy.blocking(violations)]
        if blocking:
            if self.request is not None:
                # Also on top of the page: the inline's own error list sits below the household fields.
                for message in blocking:
                    messages.error(self.request, f"政策核查未通过：{message}")
            raise ValidationError(blocking, code="policy")


class HouseholdSearchForm(forms.Form):
    """One box: a household number (or its leading digits) or a full 18-digit ID number."""

    q = forms.CharField(label="户编号或身份证号码", max_length=40, required=True,
                        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "户编号或完整身份证号码"}))

    def clean_q(self):
        value = normalise(self.cleaned_data["q"])
        if len(value) == 18 or value.endswith("X"):
            self.kind = "id_number"
            return check_id_number(value).number
        if value.isdigit() and len(value) <= 16:
            self.kind = "number"
            return value
        raise ValidationError("请输入户编号（最多16位数字）或完整的18位身份证号码。")
