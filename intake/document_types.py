"""The county's 回头看 report as a document of the paper engine (documents/types): numbered (文号),
rendered as PDF/A and, being a document version, filed into the county's archive file by the
archive's receiver. Names and household numbers are printed; ID numbers are not."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from documents.types import DocumentSpec, Subject, register
from documents.types.common import chinese_date
from registry.models import AdminArea

from . import recheck


def _context(subject: Subject, *, public: bool, excel_sha256: str = "") -> dict:
    county = AdminArea.objects.get(code=subject.area_code)
    figures, suspects, checks = recheck.report_rows(county)
    if not suspects and not checks:
        raise ValidationError("尚无比对疑点和踏验抽样，无可汇总的内容。", code="nothing_to_summarise")
    totals = {k: sum(f[k] for f in figures) for k in recheck.FIGURE_KEYS[1:]}
    return {
        "county": county.name, "figures": figures, "totals": totals, "header": recheck.FIGURE_HEADER,
        "suspects": [{"number": s.household.number, "village": s.household.village.name, "name": s.member.name,
                      "list": s.recheck.get_kind_display(), "status": s.get_status_display(), "reason": s.reason}
                     for s in suspects],
        "fails": [{"number": c.household.number, "village": c.household.village.name, "note": c.note}
                  for c in checks if c.result == c.Result.FAILS],
        "excel_sha256": excel_sha256, "today": chinese_date(timezone.localdate()),
    }


SPEC = register(DocumentSpec(
    code=recheck.REPORT_TYPE,
    label="“回头看”情况报告",
    number_word="回头看",
    template="intake/pdf/recheck_report.html",
    version="1",
    build_context=_context,
    title=lambda subject: f"{AdminArea.objects.filter(code=subject.area_code).values_list('name', flat=True).first() or ''}"
                          "易地扶贫搬迁对象“回头看”情况报告",
    full_id_numbers=False,
    options=("excel_sha256",),
))
