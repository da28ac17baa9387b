"""The evidence store (证据): photos and scans uploaded for a case, written once.

The file and every descriptive field are immutable. The only change a row ever sees is its
withdrawal (撤回), once: a flag with reason, actor and time. A correction is a new item that
names the one it corrects. On PostgreSQL the database enforces the same with triggers.
"""

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from registry.fields import AreaCodeField
from registry.models import Household, HouseholdStage, ResettlementSite, SiteStage

from .immutable import ImmutableQuerySet, ImmutableRecordError


def kind_label(code: str) -> str:
    """What officials call an evidence kind (its code when the code is unknown): the one name of
    each kind, for the lifecycles' checklists, their refusals, the archive and the histories."""
    return EvidenceKind(code).label if code in EvidenceKind.values else code


class EvidenceKind(models.TextChoices):
    """What a piece of evidence shows. The codes are the ones the stage table asks for."""

    HUKOU_SCAN = "hukou_scan", "户口簿扫描件"
    CURRENT_HOUSE_PHOTO = "current_house_photo", "现住房照片"
    SIGNED_APPLICATION = "signed_application", "签字申请表扫描件"
    MEETING_MINUTES_SCAN = "meeting_minutes_scan", "评议会议记录扫描件"
    SIGN_IN_SHEET = "sign_in_sheet", "会议签到表"
    MEETING_PHOTO = "meeting_photo", "会议照片"
    POSTED_NOTICE_PHOTO = "posted_notice_photo", "公示张贴照片"
    HOUSEHOLD_SURVEY = "household_survey", "入户调查表"
    SIGNED_AGREEMENT = "signed_agreement", "签字搬迁协议"
    SIGNED_SCAN = "signed_scan", "签字扫描件"
    CONSTRUCTION_PHOTO = "construction_photo", "开工照片"
    INSPECTION_PHOTO = "inspection_photo", "验收现场照片"
    SIGNED_CONFIRMATION = "signed_confirmation", "搬迁户代表签字确认书"
    OLD_NEW_HOUSE_PHOTO = "old_new_house_photo", "新旧住房对比照片"
    SIGNED_MOVE_IN = "signed_move_in", "签字入住确认书"
    BEFORE_DEMOLITION_PHOTO = "before_demolition_photo", "拆除前照片"
    AFTER_DEMOLITION_PHOTO = "after_demolition_photo", "拆除后照片"
    SITE_APPROVAL_SCAN = "site_approval_scan", "批复文件扫描件"
    SITE_PROGRESS_PHOTO = "site_progress_photo", "建设进度照片"
    # Sites (workflows/sites/stages.py): the papers each stage of a site project needs (seed 002).
    SITE_SELECTION_STUDY = "site_selection_study", "选址论证报告"
    GEOLOGICAL_HAZARD_ASSESSMENT = "geological_hazard_assessment", "地质灾害危险性评估报告"
    IMPLEMENTATION_PLAN = "implementation_plan", "安置点建设实施方案"
    INDUSTRY_EMPLOYMENT_PLAN = "industry_employment_plan", "后续产业发展和就业扶持方案"
    SOCIAL_SECURITY_PLAN = "social_security_plan", "社会保障接续方案"
    DEMOLITION_RECLAMATION_PLAN = "demolition_reclamation_plan", "旧房拆除及复垦复绿方案"
    TENDER_DOCUMENTS = "tender_documents", "招标文件及中标通知书"
    CONSTRUCTION_CONTRACT = "construction_contract", "施工合同"
    DRAWING_REVIEW_CERTIFICATE = "drawing_review_certificate", "施工图审查合格书"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可证"
    COMPLETION_ACCEPTANCE_REPORT = "completion_acceptance_report", "竣工验收报告"
    FACILITIES_ACCEPTANCE_REPORT = "facilities_acceptance_report", "配套设施验收报告"
    SETTLEMENT_AUDIT_REPORT = "settlement_audit_report", "竣工结算审计报告"
    HANDOVER_RECEIPT = "handover_receipt", "交付签收单"
    FUND_VOUCHER = "fund_voucher", "资金凭证（到账或拨付）"
    # Households at a site: 分房 (drawing lots or choice) and the self-funds ledger.
    UNIT_ALLOCATION_RECORD = "unit_allocation_record", "分房记录（抽签或选房确认书）"
    SELF_FUNDS_RECEIPT = "self_funds_receipt", "自筹资金收支凭证"
    OTHER = "other", "其他"


WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_by", "withdrawal_reason")


class Evidence(models.Model):
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)
    household = models.ForeignKey(
        Household, verbose_name="搬迁户", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    site = models.ForeignKey(
        ResettlementSite, verbose_name="集中安置点", null=True, blank=True, on_delete=models.PROTECT,
        related_name="evidence",
    )
    area_code = AreaCodeField("区划代码", db_index=True)
    # A HouseholdStage value for a household, a SiteStage value for a site.
    stage = models.CharField("阶段", max_length=20)
    kind = models.CharField("证据类型", max_length=32, choices=EvidenceKind.choices)
    description = models.CharField("说明", max_length=200, blank=True)
    corrects = models.ForeignKey(
        "self", verbose_name="更正的证据", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    # A generated name (never the uploader's); the uploader's file name is kept as text only.
    storage_name = models.CharField("存储文件名", max_length=255, unique=True)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=32)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sm3 = models.CharField("SM3", max_length=64)
    width = models.PositiveIntegerField("宽度（像素）", null=True, blank=True)
    height = models.PositiveIntegerField("高度（像素）", null=True, blank=True)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    # From the photo's EXIF: when and where it was taken (a camera's clock, not a proof).
    captured_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    gps_latitude = models.DecimalField("拍摄纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    gps_longitude = models.DecimalField("拍摄经度", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤回人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField("撤回原因", max_length=500, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = "证据材料"
        verbose_name_plural = "证据材料"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(household__isnull=False, site__isnull=True)
                           | models.Q(household__isnull=True, site__isnull=False)),
                name="evidence_for_one_case",
                violation_error_message="证据须属于一个搬迁户或一个安置点。",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="never_deleted", operation=pgtrigger.Delete),
            # Only the withdrawal fields may change ...
            pgtrigger.ReadOnly(name="content_read_only", exclude=list(WITHDRAWAL_FIELDS)),
            # ... and only once.
            pgtrigger.Protect(
                name="withdrawn_once", operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__withdrawn_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def subject(self):
        return self.household or self.site

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def stage_label(self) -> str:
        choices = HouseholdStage if self.household_id else SiteStage
        try:
            return choices(self.stage).label
        except ValueError:
            return self.stage

    def clean(self):
        valid = HouseholdStage.values if self.household_id else SiteStage.values
        if self.stage not in valid:
            raise ValidationError({"stage": "阶段与案件类型不符。"})

    def save(self, *args, **kwargs):
        if self._state.adding:
            kwargs["force_insert"] = True
            return super().save(*args, **kwargs)
        # The one permitted change: withdrawing, once (see withdraw_evidence()).
        if kwargs.get("update_fields") is None or set(kwargs["update_fields"]) - set(WITHDRAWAL_FIELDS):
            raise ImmutableRecordError(self._meta.verbose_name)
        stored = type(self).objects.filter(pk=self.pk).values_list("withdrawn_at", flat=True).first()
        if stored is not None:
            raise ImmutableRecordError(self._meta.verbose_name)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(self._meta.verbose_name)
