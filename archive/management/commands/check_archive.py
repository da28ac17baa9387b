from django.core.management.base import BaseCommand, CommandError

from archive.checks import check_county
from archive.four_properties import PROPERTIES, run_checks
from registry.models import AdminArea, AreaLevel

COUNT_LABELS = {"items": "件", "files": "卷", "households": "户", "sites": "个安置点", "access_events": "条访问记录"}


def area_prefix(given: str) -> str:
    """The prefix an area's codes share, from its code in any of its forms: the significant digits
    (6 for a county, 9 for a township) or the full 12-digit code (520999 and 520999000000 name the
    same county and check the same items). Anything else is refused: a prefix that names no area
    would check nothing and pass."""
    given = given.strip()
    if not given:
        return ""
    if not given.isdigit() or len(given) not in (2, 4, 6, 9, 12):
        raise CommandError(f"区划代码“{given}”格式不对：须为县 6 位、乡镇 9 位或 12 位统计用区划代码"
                           "（如 520999 或 520999000000）。")
    area = AdminArea.objects.filter(code=given.ljust(12, "0")).first()
    if area is None:
        raise CommandError(f"没有区划代码为 {given} 的区划，未检测。")
    return area.prefix


class Command(BaseCommand):
    help = "档案四性检测（DA/T 70-2018：真实性、完整性、可用性、安全性）。"

    def add_arguments(self, parser):
        parser.add_argument("--area", default="",
                            help="区划代码：县 6 位、乡镇 9 位或 12 位统计用区划代码（如 520999 或 520999000000），默认全部")
        parser.add_argument("--skip-security", action="store_true", help="不检查存储权限和访问日志")
        parser.add_argument("--record", action="store_true",
                            help="按县检测并保存结果（与每晚定时检测相同：四性检测页、完整性检查页可见）")

    def handle(self, *args, area, skip_security, record, **options):
        if record:
            return self.record_counties("".join(ch for ch in area if ch.isdigit())[:12])
        area = area_prefix(area)
        report = run_checks(area, security=not skip_security)
        checked = "，".join(f"{n} {COUNT_LABELS[k]}" for k, n in report.counts.items() if k in COUNT_LABELS)
        self.stdout.write(f"检测范围：{area or '全部'}；已检测 {checked}。")
        for prop in PROPERTIES:
            if skip_security and prop == "安全性":
                self.stdout.write(f"{prop}：未检测")
                continue
            found = report.of(prop)
            self.stdout.write(f"{prop}：{'通过' if not found else f'未通过（{len(found)} 处）'}")
        for finding in report.findings:
            self.stderr.write(str(finding))
        if report.findings:
            raise CommandError(f"四性检测未通过：{len(report.findings)} 处问题。")
        self.stdout.write("四性检测通过：真实性、完整性、可用性、安全性均无问题。")

    def record_counties(self, area: str) -> None:
        """The nightly job by hand: each county under `area` checked and its result stored."""
        counties = [c for c in AdminArea.objects.filter(level=AreaLevel.COUNTY).order_by("code")
                    if c.code.startswith(area) or area.startswith(c.code[:6])]
        if not counties:
            raise CommandError(f"没有与“{area}”对应的县级区划。")
        runs = [check_county(county) for county in counties]
        for run in runs:
            self.stdout.write(f"{run.area_code}：{run.summary}")
        failed = [run for run in runs if not run.passed]
        if failed:
            raise CommandError(f"四性检测未通过：{len(failed)} 个县。")
