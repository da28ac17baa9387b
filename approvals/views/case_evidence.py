"""上传佐证材料 from the case page: the kinds the case's current stage asks for (with what is still
missing), several files at once, a phone's camera offered directly, and back to the case.

Each file is filed on its own at the case's current stage (`documents.evidence.batch`, shared with
the generic evidence page of households and sites): a refused file is named with its reason and
stores nothing, the others are kept — the official re-selects only the refused ones.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from documents.evidence.batch import ACCEPT, MAX_FILES, ingest_each, kind_choices
from documents.forms import MultipleFileField, MultipleFileInput
from documents.models import kind_label
from documents.permissions import ADD_EVIDENCE
from registry.scope import get_household_for


class CaseEvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型", error_messages={"required": "请选择材料类型。",
                                                               "invalid_choice": "请从列表中选择材料类型。"})
    files = MultipleFileField(
        label="文件（可多选；JPEG、PNG 或 PDF）", allow_empty_file=True,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": "请选择要上传的文件（可一次选择多个）。"})
    description = forms.CharField(label="说明（可不填）", max_length=200, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *kinds]

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError("请选择要上传的文件（可一次选择多个）。")
        if len(files) > MAX_FILES:
            raise ValidationError(f"一次最多上传{MAX_FILES}个文件，本次选择了{len(files)}个。")
        return files


def stage_kinds(household) -> tuple[list[tuple[str, str]], list[str]]:
    """(choices, missing): the kinds the case's stage asks for, marked 已有/缺, then 其他."""
    return kind_choices(household)


@login_required
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk, ADD_EVIDENCE, hosted=True)
    kinds, missing = stage_kinds(household)
    initial = {"kind": request.GET.get("kind") or (missing[0] if missing else "")}
    form = CaseEvidenceForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        stored, refused = ingest_each(form.cleaned_data["files"], actor=request.user, stage=household.stage,
                                      kind=form.cleaned_data["kind"], description=form.cleaned_data["description"],
                                      household=household, request=request)
        if stored:
            messages.success(request, f"已登记{len(stored)}个文件（{kind_label(form.cleaned_data['kind'])}）。")
        if not refused:
            return redirect("approvals:case", pk=household.pk)
        kinds, missing = stage_kinds(household)
        form = CaseEvidenceForm(kinds=kinds, initial={"kind": form.cleaned_data["kind"],
                                                      "description": form.cleaned_data["description"]})
    return render(request, "approvals/case_evidence.html", {
        "household": household, "form": form, "missing": [kind_label(k) for k in missing], "refused": refused,
        "stage_label": household.get_stage_display(),
    }, status=400 if request.method == "POST" else 200)
