from django.core.management.base import BaseCommand, CommandError

from archive.checks import check_county
from archive.four_properties import PROPERTIES, run_checks
from registry.models import AdminArea, AreaLevel

COUNT_LABELS = {"items": "件", "files": "卷", "households": "户", "sites": "个安置点", "access_events": "条访问记录"}


class Command(BaseCommand):
    help = "档案四性检测（DA/T 70-2018：真实性、完整性、可用性、安全性）。"

    def add_arguments(self, parser):
        parser.add_argument("--area", default="", help="区划代码前缀（如县的 6 位代码），默认全部")
        parser.add_argument("--skip-security", action="store_true", help="不检查存储权限和访问日志")
        parser.add_argument("--record", action="store_true",
                            help="按县检测并保存结果（与每晚定时检测相同：四性检测页、完整性检查页可见）")

    def handle(self, *args, area, skip_security, record, **options):
        area = "".join(ch for ch in area if ch.isdigit())[:12]
        if record:
            return self.record_counties(area)
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
