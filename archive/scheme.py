"""The default classification scheme the rows migration 0002 seeds. `ensure_scheme`
puts them back when the tables are empty (a flushed test database), so filing never stops."""

from django.db import IntegrityError, transaction

from .models import ArchiveCategory, FilingRule

# level: [(code, name, retention, default, {"document": [...], "evidence": [...]})]
SCHEME = {
    "household": [
        ("SQ", "申请识别", "Y", False, {
            "document": ["application_form"],
            "evidence": ["hukou_scan", "current_house_photo", "signed_application", "household_survey"]}),
        ("SH", "审核审定", "Y", True, {
            "document": ["approval_form", "review_record", "public_notice", "notice_result"],
            "evidence": ["meeting_minutes_scan", "sign_in_sheet", "meeting_photo", "posted_notice_photo",
                         "signed_scan", "other"]}),
        ("XY", "协议", "Y", False, {"document": ["relocation_agreement"], "evidence": ["signed_agreement"]}),
        ("JF", "建房安置", "D30", False, {
            "document": ["construction_start", "acceptance_form", "move_in_confirmation"],
            "evidence": ["construction_photo", "inspection_photo", "signed_confirmation", "old_new_house_photo",
                         "signed_move_in", "unit_allocation_record", "self_funds_receipt"]}),
        ("CJ", "拆旧复垦", "Y", False, {
            "document": ["demolition_acceptance"],
            "evidence": ["before_demolition_photo", "after_demolition_photo"]}),
        ("HF", "后扶", "D30", False, {"document": ["follow_up_card"], "evidence": []}),
    ],
    "site": [
        ("QQ", "前期", "Y", True, {
            "document": ["site_selection_opinion", "site_joint_review", "site_plan_approval"],
            "evidence": ["site_selection_study", "geological_hazard_assessment", "implementation_plan",
                         "demolition_reclamation_plan", "site_approval_scan", "other", "signed_scan"]}),
        ("ZB", "招投标合同", "Y", False, {"document": [], "evidence": ["tender_documents", "construction_contract"]}),
        ("SG", "施工", "D30", False, {
            "document": ["site_construction_report", "site_funds_statement"],
            "evidence": ["drawing_review_certificate", "construction_permit", "site_progress_photo",
                         "fund_voucher"]}),
        ("JG", "竣工验收", "Y", False, {
            "document": ["site_acceptance_form"],
            "evidence": ["completion_acceptance_report", "facilities_acceptance_report",
                         "settlement_audit_report"]}),
        ("JF", "交付分配", "Y", False, {"document": ["site_handover_list"], "evidence": ["handover_receipt"]}),
        ("HF", "后扶配套", "D30", False, {
            "document": [], "evidence": ["industry_employment_plan", "social_security_plan"]}),
    ],
    "village": [
        ("PY", "评议", "Y", False, {"document": ["review_record"], "evidence": []}),
        ("GS", "公示", "Y", False, {"document": ["public_notice", "notice_result"], "evidence": []}),
        ("TZ", "台账", "D30", True, {"document": ["village_household_ledger"], "evidence": []}),
    ],
    "township": [
        ("SH", "审核", "Y", True, {"document": ["township_review_summary"], "evidence": []}),
        ("CY", "拆旧验收", "Y", False, {"document": ["demolition_summary"], "evidence": []}),
    ],
    "county": [
        ("ZH", "综合管理", "D30", True, {"document": [], "evidence": []}),
        ("SD", "对象审定", "Y", False, {"document": ["county_approval_list"], "evidence": []}),
        ("ZJ", "资金", "D30", False, {"document": ["relocation_funds_ledger"], "evidence": []}),
        ("GL", "拆旧复垦/增减挂钩", "Y", False, {"document": ["reclamation_ledger"], "evidence": []}),
        ("HF", "后扶", "D30", False, {"document": [], "evidence": []}),
        ("JD", "监督检查", "D10", False, {"document": [], "evidence": []}),
    ],
}


def ensure_scheme() -> None:
    if ArchiveCategory.objects.exists():
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent seeder wins, this one steps back
            for level, categories in SCHEME.items():
                for order, (code, name, retention, default, rules) in enumerate(categories, start=1):
                    category = ArchiveCategory.objects.create(level=level, code=code, name=name,
                                                              retention=retention, order=order, is_default=default)
                    FilingRule.objects.bulk_create([
                        FilingRule(source=source, type_code=type_code, level=level, category=category)
                        for source, codes in rules.items() for type_code in codes
                    ])
    except IntegrityError:
        if not ArchiveCategory.objects.exists():
            raise
