"""上传佐证材料 from the case page: the kinds the case's current stage asks for (with what is still
missing), several files at once, a phone's camera offered directly, and back to the case.

Each file is filed through the evidence store (`documents.evidence.services.ingest_evidence`:
type sniffed from the content, active content refused, EXIF read) at the case's current stage, in
its own transaction: a refused file is named with its reason and stores nothing, the others are
kept — the official re-selects only the refused ones. The generic evidence page
(documents:evidence_household) stays for every other kind and for sites.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from documents.evidence.services import ingest_evidence
from documents.evidence.validation import check_client_name
from documents.models import Evidence, EvidenceKind, kind_label
from documents.permissions import ADD_EVIDENCE
from registry.scope import get_household_for
from workflows.households import stages

from ..site_forms import MultipleFileField, MultipleFileInput

MAX_FILES = 10
ACCEPT = "image/jpeg,image/png,application/pdf"


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
    stage = stages.STAGES.get(household.stage)
    wanted = list(stage.all_evidence) if stage else []
    have = set(Evidence.objects.filter(household=household, stage=household.stage, withdrawn_at__isnull=True)
               .values_list("kind", flat=True))
    missing = [k for k in wanted if k not in have]
    choices = [(k, f"{kind_label(k)}（{'已有' if k in have else '缺'}）") for k in wanted]
    choices.append((EvidenceKind.OTHER, kind_label(EvidenceKind.OTHER)))
    return choices, missing


@login_required
def case_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for(request.user, pk, ADD_EVIDENCE, hosted=True)
    kinds, missing = stage_kinds(household)
    initial = {"kind": request.GET.get("kind") or (missing[0] if missing else "")}
    form = CaseEvidenceForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    refused: list[str] = []
    if request.method == "POST" and form.is_valid():
        filed = 0
        for number, upload in enumerate(form.cleaned_data["files"], start=1):
            try:
                check_client_name(upload.name)
                with transaction.atomic():
                    ingest_evidence(actor=request.user, upload=upload, stage=household.stage,
                                    kind=form.cleaned_data["kind"], description=form.cleaned_data["description"],
                                    household=household, client_name=upload.name, request=request)
                filed += 1
            except ValidationError as exc:
                # A name refused for its characters is not repeated on the page.
                named = upload.name if exc.code not in ("name_path", "name_markup") else f"第{number}个文件"
                refused.append(f"{named}：{'；'.join(exc.messages)}")
        if filed:
            messages.success(request, f"已登记{filed}个文件（{kind_label(form.cleaned_data['kind'])}）。")
        if not refused:
            return redirect("approvals:case", pk=household.pk)
        kinds, missing = stage_kinds(household)
        form = CaseEvidenceForm(kinds=kinds, initial={"kind": form.cleaned_data["kind"],
                                                      "description": form.cleaned_data["description"]})
    return render(request, "approvals/case_evidence.html", {
        "household": household, "form": form, "missing": [kind_label(k) for k in missing], "refused": refused,
        "stage_label": household.get_stage_display(),
    }, status=400 if request.method == "POST" else 200)
