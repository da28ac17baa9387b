"""Relocated households (搬迁户) and their members."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from registry.fields import AreaCodeField
from django_fsm import FSMField

from registry.crypto import EncryptedTextField, active_key_id, blind_index
from registry.idnumbers import check_id_number, mask_id_number, mask_phone

from .areas import AdminArea, AreaLevel
from .scoped import ScopedQuerySet
from .sites import ResettlementSite


class HouseholdStage(models.TextChoices):
    """The case's states (docs/domain.md §1). The stage table and transitions live in workflows/."""

    APPLY = "apply", "申报"
    REVIEW = "review", "评议"
    NOTICE = "notice", "公示"
    APPROVAL = "approval", "审核"
    CONSTRUCTION = "construction", "开工"
    ACCEPTANCE = "acceptance", "验收"
    MOVE_IN = "move_in", "入住"
    DEMOLITION = "demolition", "拆旧复垦"
    FOLLOW_UP = "follow_up", "后扶"
    REMOVED = "removed", "清退"


class RelocationReason(models.TextChoices):
    """The four kinds of area the 13th five-year plan relocates people from.
    A dilapidated house is not among them: seed 002 "严禁将房屋危旧作为搬迁条件"."""

    HARSH_CONDITIONS = "harsh_conditions", "生存条件恶劣、自然灾害频发"
    FRAGILE_ECOLOGY = "fragile_ecology", "生态环境脆弱、限制或禁止开发"
    NO_INFRASTRUCTURE = "no_infrastructure", "基础设施和公共服务设施十分薄弱"
    DISEASE_OR_HAZARD = "disease_or_hazard", "地方病严重、地质灾害频发"


class KeptHouseReason(models.TextChoices):
    """Old houses that may be kept instead of demolished, with county approval (seed 002:
    "不能一刀切地进行强搬硬拆")."""

    HERITAGE = "heritage", "具有历史文化保护价值的传统民居"
    INDUSTRY = "industry", "用于发展乡村旅游等产业"
    SHARED = "shared", "与非搬迁户共有、无法单独拆除"


class ResettlementMode(models.TextChoices):
    CENTRALISED = "centralised", "集中安置"
    SCATTERED = "scattered", "分散安置"


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", "联系电话须为11位手机号或带区号的固定电话（如 0851-12345678）。"
)


class Household(models.Model):
    SCOPE_HOUSEHOLD = "pk"  # registry.scope: the household these rows belong to (跨县安置)
    number = models.CharField(
        "户编号", max_length=16, unique=True, help_text="村级区划代码（12位）+ 4位顺序号；不得使用身份证号。"
    )
    village = models.ForeignKey(
        AdminArea, verbose_name="所在村", on_delete=models.PROTECT, related_name="households",
        limit_choices_to={"level": AreaLevel.VILLAGE},
    )
    # Denormalised from the village; C collation so prefix search uses the index (docs/architecture.md decision 1).
    area_code = AreaCodeField("区划代码", db_index=True, editable=False)
    poverty_registered = models.BooleanField("建档立卡贫困户", default=True)
    poverty_reg_number = models.CharField("建档立卡编号", max_length=32, blank=True)
    relocation_reason = models.CharField("搬迁原因", max_length=32, choices=RelocationReason.choices)
    resettlement_mode = models.CharField("安置方式", max_length=16, choices=ResettlementMode.choices)
    site = models.ForeignKey(
        ResettlementSite, verbose_name="集中安置点", null=True, blank=True, on_delete=models.PROTECT,
        related_name="households",
    )
    scattered_location = models.CharField("分散安置地点", max_length=200, blank=True)
    on_original_homestead = models.BooleanField("新房建在原宅基地上（原址重建）", default=False)
    planned_floor_area = models.DecimalField("计划住房建设面积（㎡）", max_digits=8, decimal_places=2)
    self_funding = models.DecimalField("户自筹资金（元）", max_digits=10, decimal_places=2, default=0)
    homestead_area = models.DecimalField("原宅基地面积（㎡）", max_digits=8, decimal_places=2, null=True, blank=True)
    whole_village_relocation = models.BooleanField("整村搬迁", default=False)
    new_geological_hazard = models.BooleanField("新发现地质灾害隐患", default=False)
    responsible_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包保责任人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="households_in_charge",
    )
    contact_phone = models.CharField("联系电话", max_length=16, blank=True, validators=[phone_validator])
    # Written only by transitions (workflows/); protected=True refuses direct assignment.
    stage = FSMField("阶段", max_length=16, choices=HouseholdStage.choices, default=HouseholdStage.APPLY,
                     protected=True)
    # A round starts each time the case enters a stage; opinions belong to a round.
    stage_round = models.PositiveIntegerField("阶段轮次", default=1, editable=False)
    stage_entered_at = models.DateTimeField("进入本阶段时间", default=timezone.now, editable=False)
    # Recorded during the lifecycle (验收, 拆旧复垦, 后扶).
    actual_floor_area = models.DecimalField("验收实测住房面积（㎡）", max_digits=8, decimal_places=2, null=True,
                                            blank=True)
    old_house_kept = models.BooleanField("保留旧房（经县级批准）", default=False)
    old_house_kept_reason = models.CharField("保留旧房原因", max_length=16, choices=KeptHouseReason.choices,
                                             blank=True)
    reclaimed_area_mu = models.DecimalField("复垦面积（亩）", max_digits=8, decimal_places=2, null=True, blank=True)
    follow_up_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="后扶专干", null=True, blank=True, on_delete=models.PROTECT,
        related_name="households_followed",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "搬迁户"
        verbose_name_plural = "搬迁户"
        ordering = ["number"]

    def __str__(self):
        return self.number

    @property
    def is_active(self) -> bool:
        return self.stage != HouseholdStage.REMOVED

    @property
    def head(self):
        return next((m for m in self.members.all() if m.relation == Relation.HEAD), None)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    def clean(self):
        errors = {}
        if self.village_id:
            if self.village.level != AreaLevel.VILLAGE:
                errors["village"] = "搬迁户须登记在村（社区）一级。"
            elif self.number and not self.number.startswith(self.village.code):
                errors["number"] = f"户编号须以所在村的区划代码 {self.village.code} 开头。"
        if self.number and (len(self.number) != 16 or not self.number.isdigit()):
            errors["number"] = "户编号须为16位数字：村级区划代码12位 + 顺序号4位。"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.area_code = self.village.code
        super().save(*args, **kwargs)
        # A removed case releases its members for another case (one person, one active case).
        self.members.exclude(case_active=self.is_active).update(case_active=self.is_active)


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class LabourAbility(models.TextChoices):
    """The 建档立卡 categories."""

    NORMAL = "normal", "普通劳动力"
    SKILLED = "skilled", "技能劳动力"
    WEAK = "weak", "弱劳动力或半劳动力"
    LOST = "lost", "丧失劳动力"
    NONE = "none", "无劳动力"


LABOUR_WITH_ABILITY = {LabourAbility.NORMAL, LabourAbility.SKILLED, LabourAbility.WEAK}


class Employment(models.TextChoices):
    UNEMPLOYED = "unemployed", "未就业"
    MIGRANT = "migrant", "外出务工"
    LOCAL = "local", "就近就业"
    SELF_EMPLOYED = "self_employed", "自主创业"
    PUBLIC_POST = "public_post", "公益性岗位"
    STUDENT = "student", "在校学生"
    NOT_APPLICABLE = "n_a", "不适用"


EMPLOYED = {Employment.MIGRANT, Employment.LOCAL, Employment.SELF_EMPLOYED, Employment.PUBLIC_POST}


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Member(models.Model):
    SCOPE_HOUSEHOLD = "household"  # registry.scope: the household these rows belong to (跨县安置)
    household = models.ForeignKey(Household, verbose_name="搬迁户", on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    # SM4-GCM ciphertext; the clear number never reaches the database (docs/architecture.md decision 8).
    id_number = EncryptedTextField("身份证号码")
    id_index = models.CharField("身份证号检索码", max_length=64, db_index=True, editable=False)
    id_key = models.CharField("加密密钥编号", max_length=16, editable=False)
    relation = models.CharField("与户主关系", max_length=16, choices=Relation.choices)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField("出生日期", editable=False)
    labour_ability = models.CharField("劳动能力", max_length=16, choices=LabourAbility.choices,
                                      default=LabourAbility.NORMAL)
    willing_to_work = models.BooleanField("有就业意愿", default=True)
    employment = models.CharField("就业状况", max_length=16, choices=Employment.choices,
                                  default=Employment.UNEMPLOYED)
    state_salaried = models.BooleanField("财政供养人员", default=False)
    relative_of_state_salaried = models.BooleanField("财政供养人员直系亲属", default=False)
    prior_housing_benefit = models.BooleanField("“十三五”期间已享受其他农村住房建设政策", default=False)
    # Mirrors household.is_active so the database itself keeps one person in one active case.
    case_active = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_index"], condition=models.Q(case_active=True), name="one_person_one_active_case",
                violation_error_message="此身份证号码已在另一个有效的搬迁户中登记（一人只能在一个有效案件中）。",
            )
        ]
        permissions = [("reveal_idnumber", "查看完整身份证号码")]

    def __str__(self):
        return self.name

    @property
    def area_code(self) -> str:
        return self.household.area_code

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def set_id_number(self, raw: str):
        """Normalise and check a typed ID number; fills the derived fields. Returns warnings."""
        checked = check_id_number(raw)
        self.id_number = checked.number
        self.id_index = blind_index(checked.number)
        self.birth_date = checked.birth_date
        self.sex = checked.sex
        return checked.warnings

    def save(self, *args, **kwargs):
        if self.id_number and self.id_index != blind_index(self.id_number):
            self.set_id_number(self.id_number)
        self.case_active = self.household.is_active
        # Every save re-encrypts with the active key: record which one, for key rotation.
        self.id_key = active_key_id()
        super().save(*args, **kwargs)

    @classmethod
    def find_by_id_number(cls, raw: str):
        """Exact search by a full ID number through the blind index."""
        checked_number = check_id_number(raw).number
        return cls.objects.filter(id_index=blind_index(checked_number))

