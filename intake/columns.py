"""The columns of the household lists officials hold (docs/formats.md §1.2–1.4), defined once.

Each column is found by its header label (or one of the labels other systems use for it), never
by its position; each value is matched by its label, never by a source system's numeric code
(formats.md §1.2: the codes are not stable across systems, the labels are). The import reader
(intake/rows.py), the downloadable template (drop-down lists) and the exports in the same shapes
read these definitions.
"""

from dataclasses import dataclass, field

from registry.models import Employment, LabourAbility, RelocationReason, ResettlementMode

YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the label our template writes
    aliases: tuple[str, ...] = ()  # other labels the same column carries in the national export or a 花名册
    required: bool = False
    choices: tuple[str, ...] = ()  # the value list (drop-down in the template); empty: free text
    # Value synonyms seen in the sources → one of `choices`.
    synonyms: dict[str, str] = field(default_factory=dict)
    identifier: bool = False  # stored as text (a number cell loses no digit and gains no ".0")
    household: bool = False  # a household fact: read from the 户主's row
    width: int = 12

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


# 与户主关系: the national system's 28 values (formats.md §1.2) onto the registry's coarser Relation,
# by label. The registry's own labels are accepted too.
RELATION_LABELS = {
    "户主": "head", "配偶": "spouse",
    "之子": "child", "之女": "child", "子女": "child", "子": "child", "女": "child", "儿子": "child", "女儿": "child",
    "长子": "child", "次子": "child", "长女": "child", "次女": "child",
    "之父": "parent", "之母": "parent", "之岳父": "parent", "之岳母": "parent", "之公公": "parent",
    "之婆婆": "parent", "父母": "parent", "父亲": "parent", "母亲": "parent",
    "之孙子": "grandchild", "之孙女": "grandchild", "之外孙子": "grandchild", "之外孙女": "grandchild",
    "之曾孙子": "grandchild", "之曾孙女": "grandchild", "孙子女": "grandchild", "孙子": "grandchild",
    "孙女": "grandchild",
    "之兄弟姐妹": "sibling", "兄弟姐妹": "sibling",
    "之儿媳": "other", "之女婿": "other", "之祖父": "other", "之祖母": "other", "之外祖父": "other",
    "之外祖母": "other", "之侄儿": "other", "之侄女": "other", "之兄弟媳妇": "other", "之叔伯": "other",
    "其他": "other",
}
RELATION_CHOICES = (
    "户主", "配偶", "之子", "之女", "之儿媳", "之女婿", "之孙子", "之孙女", "之外孙子", "之外孙女", "之父", "之母",
    "之岳父", "之岳母", "之公公", "之婆婆", "之祖父", "之祖母", "之外祖父", "之外祖母", "之兄弟姐妹", "之曾孙子",
    "之曾孙女", "之侄儿", "之侄女", "之兄弟媳妇", "之叔伯", "其他",
)
EDUCATION_CHOICES = ("文盲或半文盲", "小学", "初中", "高中", "大专", "本科及以上")
SCHOOLING_CHOICES = (
    "学龄前儿童", "学前教育", "小学", "七年级", "八年级", "九年级",
    "普通高中一年级", "普通高中二年级", "普通高中三年级", "中职一年级", "中职二年级", "中职三年级",
    "高职高专一年级", "高职高专二年级", "高职高专三年级",
    "技师学院一年级", "技师学院二年级", "技师学院三年级", "技师学院四年级",
    "本科一年级", "本科二年级", "本科三年级", "本科四年级", "本科五年级", "硕士研究生及以上",
)
LABOUR_CHOICES = tuple(LabourAbility.labels)
# 彝良's 花名册 keeps only 劳动力/无劳动力 (formats.md §1.3).
LABOUR_SYNONYMS = {"劳动力": "普通劳动力", "有劳动力": "普通劳动力", "是": "普通劳动力", "有": "普通劳动力",
                   "否": "无劳动力", "无": "无劳动力", "半劳动力": "弱劳动力或半劳动力", "弱劳动力": "弱劳动力或半劳动力"}
HOUSEHOLD_TYPES = ("建档立卡户", "同步搬迁户")
HOUSEHOLD_TYPE_SYNONYMS = {"卡户": "建档立卡户", "贫困户": "建档立卡户", "随迁户": "同步搬迁户", "同步搬迁": "同步搬迁户"}
MODE_SYNONYMS = {"集中": ResettlementMode.CENTRALISED.label, "分散": ResettlementMode.SCATTERED.label}
BENEFIT_EXCEPTIONS = ("整村搬迁", "新发现地质灾害隐患")
EMPLOYMENT_SYNONYMS = {"务工": "外出务工", "省外务工": "外出务工", "省内务工": "外出务工", "县外务工": "外出务工",
                       "县内务工": "就近就业", "本地务工": "就近就业", "在校生": "在校学生", "无": "未就业"}
SEX_CHOICES = ("男", "女")

COLUMNS: tuple[Column, ...] = (
    Column("county", "县(市、区、旗)", ("行政县", "县", "县(市、区)", "县(市区)", "所属县"), True, width=14),
    Column("township", "乡(镇)", ("乡镇", "乡", "乡镇(街道)", "所属乡镇"), True, width=12),
    Column("village", "行政村", ("村", "村(社区)", "所属村"), True, width=12),
    Column("hamlet", "自然村(组)", ("自然村", "组", "村民小组")),
    Column("household_no", "户编号", ("户码",), identifier=True, width=22),
    Column("person_no", "人编号", ("人口编号", "成员编号"), identifier=True, width=22),
    Column("name", "姓名", ("成员姓名",), True, width=10),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "公民身份号码", "身份证号码或残疾证号码",
                                     "身份证号码(残疾证号码)"), True, identifier=True, width=24),
    Column("id_type", "证件类型"),
    # The registry's own coarser labels (子女, 父母, …) and common wordings are accepted too.
    Column("relation", "与户主关系", (), True, RELATION_CHOICES,
           {label: label for label in RELATION_LABELS if label not in RELATION_CHOICES}, width=12),
    Column("ethnicity", "民族"),
    Column("sex", "性别", (), False, SEX_CHOICES),
    Column("education", "文化程度", (), False, EDUCATION_CHOICES),
    Column("schooling", "在校生状况", ("在校生情况", "就读年级"), False, SCHOOLING_CHOICES),
    Column("health", "健康状况", ("健康情况",)),
    Column("labour", "劳动技能", ("劳动能力", "劳动力"), False, LABOUR_CHOICES, LABOUR_SYNONYMS),
    Column("employment", "务工状况", ("就业状况", "就业情况"), False, tuple(Employment.labels), EMPLOYMENT_SYNONYMS),
    Column("work_months", "务工时间(月)", ("务工时间",)),
    Column("phone", "联系电话", ("户联系电话", "成员联系电话", "人联系电话"), identifier=True, width=14),
    Column("household_type", "户类型", ("类型",), False, HOUSEHOLD_TYPES, HOUSEHOLD_TYPE_SYNONYMS, household=True),
    Column("poverty_attr", "贫困户属性", (), household=True),
    Column("main_cause", "主要致贫原因", ("致贫原因", "致贫原因1"), household=True),
    Column("relocation_reason", "搬迁原因", ("搬迁类型",), False, tuple(RelocationReason.labels), household=True,
           width=24),
    Column("mode", "安置方式", (), False, tuple(ResettlementMode.labels), MODE_SYNONYMS, household=True),
    Column("site", "安置点名称", ("集中安置点名称", "集中安置点", "搬迁地点"), household=True, width=18),
    Column("scattered_location", "分散安置地点", (), household=True),
    Column("move_year", "搬迁年度", (), identifier=True, household=True),
    Column("planned_area", "规划住房面积(㎡)", ("户安置面积", "计划住房建设面积(㎡)", "安置面积(㎡)", "安置面积"),
           household=True),
    Column("self_funding", "户自筹(元)", ("户自筹", "户自筹资金(元)", "自筹资金"), household=True),
    Column("state_salaried", "是否财政供养人员或其直系亲属", ("财政供养人员或其直系亲属", "是否财政供养人员"),
           False, (YES, NO), width=16),
    Column("prior_benefit", "“十三五”期间是否享受过其他农房保障", ("是否享受过其他农房保障", "是否享受过其他住房保障"),
           False, (YES, NO), width=16),
    Column("benefit_exception", "享受其他农房保障的理由", ("重复享受理由",), False, BENEFIT_EXCEPTIONS,
           household=True, width=16),
    Column("remarks", "备注", (), width=16),
)
BY_KEY = {c.key: c for c in COLUMNS}

# The registry's member relation labels, for messages.
RELATION_OF = RELATION_LABELS
