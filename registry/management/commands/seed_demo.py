"""manage.py seed_demo — build the demo county (registry/demo.py) and print its logins.

Running it again changes nothing and prints the logins. The demo's accounts share a published
password (the superuser `admin` too), so the command runs only with DEBUG on unless told that
the database is a demonstration one.
"""

import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, build_demo, demo_logins


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "生成演示数据：示例县（520999）的乡镇、村、安置点、各岗位账号和约300户搬迁户；可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS,
                            help=f"搬迁户数量（默认 {DEFAULT_HOUSEHOLDS}）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--demo-database", action="store_true",
                            help="确认当前数据库仅用于演示（DEBUG 未开启时必须加此参数）")

    def handle(self, *args, households, seed, demo_database, **options):
        if not (settings.DEBUG or demo_database):
            raise CommandError("演示数据的账号使用公开的演示密码（含超级用户 admin），只能在 DEBUG=1 的开发/演示环境生成；"
                               "若确认当前数据库仅用于演示，请加 --demo-database。")
        if households < 0:
            raise CommandError("--households 不能为负数。")
        started = time.monotonic()
        summary = build_demo(households=households, seed=seed)
        if summary.built:
            self.stdout.write(self.style.SUCCESS(
                f"演示数据已生成（{time.monotonic() - started:.1f} 秒）：新建区划 {summary.areas_created} 个，"
                f"账号 {summary.users_created} 个，安置点 {summary.sites} 个，搬迁户 {summary.households} 户"
                f"（{summary.members} 人，其中 {summary.warnings} 户有待落实就业的提示）。"
            ))
        else:
            self.stdout.write("示例县演示数据已存在（或该县已有搬迁户），未作任何改动。")
        logins = demo_logins()
        self.stdout.write("\n演示账号（岗位授权经“区划-岗位”用户组授予）：")
        self.stdout.write(format_table(["岗位", "区划", "用户名", "密码"],
                                       [[x.role, x.area, x.username, x.password] for x in logins]))
