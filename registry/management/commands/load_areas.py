"""manage.py load_areas FILE.csv — load an area tree as the statistics bureau publishes it
(统计用区划代码): one area per line, `code,name[,level]`, UTF-8 with or without BOM, an optional
header row.

The level is normally read from the code's trailing zeros; each row's parent is found by code
prefix among the file's rows and the areas already stored. Loading is all or nothing: every
problem of the file is reported with its line number and nothing is stored unless all rows are
good. Re-running a file changes nothing; a renamed area is updated and reported. Each created or
updated area is an audit event (`area.load`).
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.log import record
from registry.models import PREFIX_LENGTH, AdminArea, AreaLevel, level_of_code
from registry.models.areas import LEVEL_ORDER

MAX_REPORTED_ERRORS = 50
NAME_MAX_LENGTH = AdminArea._meta.get_field("name").max_length

# What a third column may say. Numbers 1–5 are how many published extracts number the levels.
LEVEL_WORDS = {
    AreaLevel.PROVINCE: {"province", "省", "1"},
    AreaLevel.CITY: {"city", "市", "州", "地区", "盟", "市（州）", "2"},
    AreaLevel.COUNTY: {"county", "县", "区", "县（市、区）", "3"},
    AreaLevel.TOWNSHIP: {"township", "乡", "镇", "街道", "乡（镇、街道）", "4"},
    AreaLevel.VILLAGE: {"village", "村", "社区", "村（社区）", "5"},
}
LEVEL_BY_WORD = {word: level for level, words in LEVEL_WORDS.items() for word in words}

# The digits of each level inside the 12-digit code, for messages.
PART_SPAN = {
    AreaLevel.PROVINCE: (0, 2),
    AreaLevel.CITY: (2, 4),
    AreaLevel.COUNTY: (4, 6),
    AreaLevel.TOWNSHIP: (6, 9),
    AreaLevel.VILLAGE: (9, 12),
}
LEVEL_NAME = {
    AreaLevel.PROVINCE: "省级",
    AreaLevel.CITY: "市级",
    AreaLevel.COUNTY: "县级",
    AreaLevel.TOWNSHIP: "乡级",
    AreaLevel.VILLAGE: "村级",
}


@dataclass
class AreaRow:
    line: int
    code: str
    name: str
    level: str


@dataclass
class LoadResult:
    created: list[AdminArea] = field(default_factory=list)
    updated: list[tuple[AdminArea, dict]] = field(default_factory=list)
    unchanged: list[AdminArea] = field(default_factory=list)


class AreaFileError(Exception):
    """The file cannot be loaded; `problems` are the messages officials read, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        if len(problems) > MAX_REPORTED_ERRORS:
            shown.append(f"……另有{len(problems) - MAX_REPORTED_ERRORS}处错误未列出。")
        super().__init__("区划文件有误，未导入任何数据：\n" + "\n".join(shown))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "文件似乎是 GBK/GB18030 编码；"
        except UnicodeDecodeError:
            pass
        raise AreaFileError([f"第{line}行：不是有效的 UTF-8 文本。{hint}请将文件另存为 UTF-8（可带 BOM）的 CSV 后再导入。"])


def parse_rows(text: str) -> tuple[list[AreaRow], list[str]]:
    """The well-formed rows of the file, and the problems of the malformed ones."""
    rows: list[AreaRow] = []
    problems: list[str] = []
    first = True
    for line_no, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        while len(cells) > 2 and not cells[-1]:
            cells.pop()
        if not any(cells):
            continue
        is_first, first = first, False
        if is_first and not any(ch.isdigit() for ch in cells[0]):
            continue  # a header row such as "code,name" or "区划代码,名称"
        if len(cells) < 2:
            problems.append(f"第{line_no}行：须有“区划代码,名称”两列（可加第三列层级），现只有一列“{cells[0]}”；"
                            "列之间须用英文逗号分隔。")
            continue
        if len(cells) > 3:
            problems.append(f"第{line_no}行：最多三列（区划代码,名称,层级），现有{len(cells)}列。")
            continue
        code, name = cells[0], cells[1]
        if not code.isdigit() or not code.isascii():
            problems.append(f"第{line_no}行：区划代码“{code}”须全为数字。")
            continue
        if len(code) != 12:
            problems.append(f"第{line_no}行：区划代码“{code}”须为12位数字（统计用区划代码），现为{len(code)}位。")
            continue
        if not name:
            problems.append(f"第{line_no}行：区划代码 {code} 缺少名称。")
            continue
        if len(name) > NAME_MAX_LENGTH:
            problems.append(f"第{line_no}行：名称“{name[:20]}……”过长（最多{NAME_MAX_LENGTH}字）。")
            continue
        if len(cells) == 3 and cells[2]:
            level = LEVEL_BY_WORD.get(cells[2].lower())
            if level is None:
                problems.append(f"第{line_no}行：层级“{cells[2]}”无法识别（可填：省、市、县、乡、村，或留空由代码推断）。")
                continue
        else:
            level = level_of_code(code)
        rows.append(AreaRow(line_no, code, name, level))
    if not rows and not problems:
        problems.append("文件中没有区划数据（每行应为“区划代码,名称”）。")
    return rows, problems


def structure_problems(row: AreaRow) -> list[str]:
    """What is wrong with the code itself: AdminArea.clean()'s rules, plus the parts above the
    row's own level, which must be non-zero except the county part (a city without counties,
    such as 东莞 441900, has its townships right under it)."""
    found = []
    try:
        AdminArea(code=row.code, name=row.name, level=row.level).clean()
    except ValidationError as exc:
        found += [f"第{row.line}行：{msg}" for msgs in exc.message_dict.values() for msg in msgs]
    if found:
        return found
    for level in LEVEL_ORDER[: LEVEL_ORDER.index(row.level)]:
        start, end = PART_SPAN[level]
        if level != AreaLevel.COUNTY and set(row.code[start:end]) == {"0"}:
            found.append(f"第{row.line}行：区划代码 {row.code} 的{LEVEL_NAME[level]}部分（第{start + 1}-{end}位）"
                         f"全为0，不是有效的{AreaLevel(row.level).label}级代码。")
    return found


def ancestor_codes(code: str, level: str) -> list[str]:
    """The codes this area's ancestors would have, nearest first."""
    found = []
    for upper in reversed(LEVEL_ORDER[: LEVEL_ORDER.index(level)]):
        n = PREFIX_LENGTH[upper]
        candidate = code[:n] + "0" * (12 - n)
        if candidate != code and candidate not in found:
            found.append(candidate)
    return found


def _stored_areas(codes) -> dict[str, AdminArea]:
    codes = sorted(set(codes))
    stored = {}
    for i in range(0, len(codes), 500):  # stays under SQLite's bound-parameter limit
        stored.update((a.code, a) for a in AdminArea.objects.filter(code__in=codes[i : i + 500]))
    return stored


def plan_parents(rows: list[AreaRow], problems: list[str] | None = None
                 ) -> tuple[dict[str, str | None], dict[str, AdminArea]]:
    """{code: parent code or None} for every row and the stored areas involved, or AreaFileError
    with every problem found (`problems`: those found while reading the file).

    Villages and townships need their direct parent (in the file or stored). Higher levels take
    the nearest ancestor that exists; having none is allowed only for the top of the file's
    tree (a county file needs no province)."""
    problems = list(problems or [])
    by_code: dict[str, AreaRow] = {}
    for row in rows:
        problems += structure_problems(row)
        if row.code in by_code:
            problems.append(f"第{row.line}行：区划代码 {row.code} 与第{by_code[row.code].line}行重复。")
        else:
            by_code[row.code] = row
    if problems:
        raise AreaFileError(problems)

    stored = _stored_areas([*by_code, *(c for r in rows for c in ancestor_codes(r.code, r.level))])
    top = min(LEVEL_ORDER.index(r.level) for r in rows)
    parents: dict[str, str | None] = {}
    for row in rows:
        candidates = ancestor_codes(row.code, row.level)
        existing = [c for c in candidates if c in by_code or c in stored]
        label = AreaLevel(row.level).label
        if row.level in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP) and candidates[0] not in existing:
            upper = "乡（镇、街道）" if row.level == AreaLevel.VILLAGE else "县（市、区）"
            if existing:
                problems.append(f"第{row.line}行：{row.name}（{row.code}）的上级{upper} {candidates[0]} "
                                "既不在文件中，也不在系统中；请先导入上级，或核对代码。")
            else:
                problems.append(f"第{row.line}行：{row.name}（{row.code}）找不到上级区划：代码前缀与文件和系统中的"
                                f"任何区划都不相符（应有上级{upper} {candidates[0]}），请核对代码。")
            continue
        if not existing and LEVEL_ORDER.index(row.level) != top:
            problems.append(f"第{row.line}行：{row.name}（{row.code}，{label}）找不到上级区划：文件和系统中都没有"
                            f"{'、'.join(candidates)}，而它又不是文件中最高一级的区划；请核对代码。")
            continue
        parents[row.code] = existing[0] if existing else None
    if problems:
        raise AreaFileError(problems)
    return parents, stored


def load_area_rows(rows: list[AreaRow], *, source: str = "", problems: list[str] | None = None) -> LoadResult:
    """Check the whole tree, then store it in one transaction (parents before children)."""
    parents, stored = plan_parents(rows, problems)
    result = LoadResult()
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: (LEVEL_ORDER.index(r.level), r.code)):
            parent_code = parents[row.code]
            parent = stored[parent_code] if parent_code else None
            area = stored.get(row.code)
            event = {"source": source, "line": row.line, "code": row.code, "name": row.name, "level": row.level,
                     "parent": parent_code}
            if area is None:
                area = AdminArea(code=row.code, name=row.name, level=row.level, parent=parent)
                area.clean()
                area.save()
                stored[row.code] = area
                result.created.append(area)
                record(None, "area.load", area, {"result": "created", **event})
                continue
            changes = {}
            if area.name != row.name:
                changes["name"] = [area.name, row.name]
                area.name = row.name
            if area.level != row.level:
                changes["level"] = [area.level, row.level]
                area.level = row.level
            # A parent found now where none was stored (the province loaded later) is linked;
            # a stored parent is never dropped because the file does not reach that high.
            if parent is not None and area.parent_id != parent.pk:
                changes["parent"] = [area.parent.code if area.parent_id else None, parent.code]
                area.parent = parent
            if not changes:
                result.unchanged.append(area)
                continue
            area.clean()
            area.save()
            result.updated.append((area, changes))
            record(None, "area.load", area, {"result": "updated", "changes": changes, **event})
    return result


def load_area_file(path, *, source: str | None = None) -> LoadResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AreaFileError([f"无法读取文件 {path}：{exc.strerror or exc}"])
    rows, problems = parse_rows(decode(data))
    return load_area_rows(rows, source=source or path.name, problems=problems)


CHANGE_LABEL = {"name": "名称", "level": "层级", "parent": "上级区划"}


def describe_changes(changes: dict) -> str:
    return "；".join(f"{CHANGE_LABEL[k]}“{old or '无'}”→“{new}”" for k, (old, new) in changes.items())


class Command(BaseCommand):
    help = "导入统计用区划代码 CSV（区划代码,名称[,层级]）：按代码前缀挂接上级，可重复执行，全部成功才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件（UTF-8，可带 BOM；可有表头行）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将会发生的变化，不写入")

    def handle(self, *args, file, dry_run, **options):
        try:
            with transaction.atomic():
                result = load_area_file(file)
                if dry_run:
                    transaction.set_rollback(True)
        except AreaFileError as exc:
            raise CommandError(str(exc))
        for area, changes in result.updated:
            self.stdout.write(f"更新 {area.code} {area.name}：{describe_changes(changes)}")
        prefix = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}区划导入完成：新增 {len(result.created)}，更新 {len(result.updated)}，"
            f"未变 {len(result.unchanged)}。"
        ))
