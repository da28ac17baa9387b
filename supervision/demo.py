"""The supervision demo (seed_supervision_demo): the demo county's auditor files findings through
the real services and the responsible officials answer, so the ledger shows every state —
待整改, 已反馈待核查, 退回重新整改, 已销号 — an overdue one (unanswered past its deadline) and one
answered after its deadline (待核查销号, flagged 逾期整改 but no longer overdue). Runs after seed_demo and
seed_lifecycle_demo; a second run changes nothing."""

import datetime
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from registry.models import Household, ResettlementSite

from . import findings
from .models import Finding

AUDITOR = "county_auditor"
COUNTY = "520999000000"


class SupervisionDemoError(Exception):
    pass


@dataclass
class Summary:
    built: bool
    filed: int = 0


def _photo(name: str, shade: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (shade, 120, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _user(username):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise SupervisionDemoError(f"未找到演示用户 {username}：请先运行 seed_demo。")


def _household(prefix: str) -> Household:
    household = Household.objects.filter(area_code__startswith=prefix).order_by("number").first()
    if household is None:
        raise SupervisionDemoError(f"区划 {prefix} 下没有搬迁户：请先运行 seed_demo。")
    return household


def demo_exists() -> bool:
    return Finding.objects.filter(filed_by__username=AUDITOR).exists()


def build_supervision_demo() -> Summary:
    if demo_exists():
        return Summary(built=False)
    auditor = _user(AUDITOR)
    today = timezone.localdate()

    def file(target, category, description, role, area, days, photo=None):
        household = target if isinstance(target, Household) else None
        site = target if isinstance(target, ResettlementSite) else None
        area_code = target.area_code if household or site else target
        return findings.file_finding(
            actor=auditor, area_code=area_code, household=household, site=site, category=category,
            description=description, responsible_role=role, responsible_area_code=area,
            deadline=today + datetime.timedelta(days=days), attachments=[photo] if photo else [])

    with transaction.atomic():
        # 待整改: a village must see it in its clerk's inbox.
        file(_household("520999101201"), Finding.Category.RELOCATION,
             "入户核查发现该户已签订搬迁协议但迟迟未搬迁入住，需说明原因并制定搬迁计划。",
             "role_village_clerk", "520999101201", 20, _photo("入户核查照片.png", 60))
        # 已超期: the deadline has passed and nobody answered.
        file(_household("520999101202"), Finding.Category.DISCIPLINE,
             "群众反映该户评议会议签到表存在代签情况，请核实并整改。",
             "role_village_clerk", "520999101202", -5)
        # 逾期整改: the township answered after the deadline; awaiting review, not overdue any more.
        late = file("520999101000", Finding.Category.RELOCATION,
                    "城关镇搬迁入住率统计与实际入户核查不一致，请核实更正。",
                    "role_township_reviewer", "520999101000", -3)
        findings.respond(late.pk, actor=_user("t101_reviewer"),
                         text="已逐户核对入住情况并更正统计表（逾期三天反馈）。")
        # 已反馈待核查: the township answered in time, the auditor has yet to check.
        responded = file(_household("520999102201"), Finding.Category.DEMOLITION,
                         "搬迁入住已满一年，旧房尚未拆除，宅基地未复垦。",
                         "role_township_reviewer", "520999102000", 30, _photo("旧房现状.png", 140))
        findings.respond(responded.pk, actor=_user("t102_reviewer"),
                         text="已约谈户主并签订拆旧协议，计划本月底前拆除，附协议扫描件。",
                         attachments=[_photo("拆旧协议.png", 180)])
        # 退回重新整改: the site's builder answered, not enough.
        site = ResettlementSite.objects.filter(area_code__startswith=COUNTY[:6]).order_by("code").first()
        target = site or "520999101000"
        sent_back = file(target, Finding.Category.CONSTRUCTION,
                         "安置点部分楼栋外墙出现裂缝，质量验收资料不全。",
                         "role_county_housing", COUNTY, 15, _photo("外墙裂缝.png", 200))
        findings.respond(sent_back.pk, actor=_user("county_housing"), text="已责成施工单位修补裂缝。")
        findings.review(sent_back.pk, actor=auditor, accept=False,
                        reason="未附修补后照片及第三方检测报告，请补充后重新反馈。")
        # 已销号: the whole cycle, closed.
        closed = file("520999102000", Finding.Category.SUPPORT,
                      "石桥镇后扶台账未按季度更新收入情况。", "role_township_leader", "520999102000", 10)
        findings.respond(closed.pk, actor=_user("t102_leader"), text="已组织各村补录第三季度收入数据并建立月度核对制度。",
                         attachments=[_photo("台账更新截图.png", 90)])
        findings.review(closed.pk, actor=auditor, accept=True, reason="经抽查，台账已按要求更新。")
    return Summary(built=True, filed=6)


def ledger_state() -> list[tuple[str, int]]:
    counts = {s: 0 for s in Finding.Status.values}
    for status in Finding.objects.filter(area_code__startswith=COUNTY[:6]).values_list("status", flat=True):
        counts[status] += 1
    county = Finding.objects.filter(area_code__startswith=COUNTY[:6])
    overdue = county.filter(findings.overdue_q()).count()
    late = county.filter(responded_late=True).count()
    return ([(label, counts[code]) for code, label in Finding.Status.choices]
            + [("其中超期（待整改）", overdue), ("逾期整改", late)])
