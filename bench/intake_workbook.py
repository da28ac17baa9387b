"""A household list in the national system's person-level export layout (docs/formats.md §1.2, our
relocation columns after it), with the mess real exports carry:

    .venv/bin/python bench/intake_workbook.py out.xlsx [--persons 10000]

three title rows above the header; ID numbers typed as numbers (1 %: Excel keeps 15 significant
digits, so such a row cannot be repaired and must be reported); 20- and 22-character 残疾证 numbers; phones stored as numbers (Excel shows
1.38E+10); and, on purpose, households that must be refused: a second 户主, a duplicate person (the
same ID number in two households), an unknown site, a broken check digit, 文化程度 and 在校生状况
both filled. `build()` returns what it put in, so the caller can assert on the figures.
"""

import argparse
import datetime
import random
import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTY = ("520999000000", "示例县")
TOWNSHIPS = [("520999101000", "城关镇"), ("520999102000", "石桥乡"), ("520999103000", "龙场镇"),
             ("520999104000", "羊场乡")]
VILLAGES_PER_TOWNSHIP = 5
SITE = ("幸福家园安置点", 5000, 20000)  # name, planned units, planned persons
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "德明国华建军文武志强秀英桂兰玉梅春花海涛金龙小红丽娟永福光荣"
HEADER = [
    "行政县", "乡镇", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数", "与户主关系", "民族",
    "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间", "参加大病医疗", "脱贫属性", "脱贫年度",
    "贫困户属性", "主要致贫原因", "危房户", "饮水安全", "饮水困难", "人均纯收入", "联系电话",
    "搬迁原因", "安置方式", "安置点名称", "规划住房面积(㎡)", "户自筹(元)", "是否财政供养人员或其直系亲属",
]
RELATIONS = ["之子", "之女", "之父", "之母", "之孙子", "之孙女"]


def village_name(t: int, v: int) -> str:
    return f"{TOWNSHIPS[t][1][:2]}{v + 1}村"


def village_code(t: int, v: int) -> str:
    return f"{TOWNSHIPS[t][0][:9]}{201 + v:03d}"


def _check_digit(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def id_number(n: int, birth: datetime.date) -> str:
    body = f"520121{birth:%Y%m%d}{n % 1000:03d}"
    return body + _check_digit(body)


def build(path, persons: int = 10000, seed: int = 21) -> dict:
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["全国扶贫开发信息系统 贫困人口明细（导出）"])
    ws.append([f"{COUNTY[1]}  导出时间：2026-12-01 08:00"])
    ws.append(["说明：本表由系统导出，请勿修改表头"])
    ws.append(HEADER)
    written = households = 0
    taken = set()
    first_ids = []
    bad = {}
    serial = 0
    while written < persons:
        households += 1
        size = min(rnd.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6]), persons - written)
        t, v = rnd.randrange(len(TOWNSHIPS)), rnd.randrange(VILLAGES_PER_TOWNSHIP)
        number = f"{village_code(t, v)}{households:06d}"
        centralised = rnd.random() < 0.6
        site = SITE[0] if centralised else ""
        kind = None
        if households in (7, 8, 9, 10, 11):
            kind = {7: "two_heads", 8: "duplicate", 9: "unknown_site", 10: "check_digit", 11: "both_schooling"}[households]
            bad[kind] = number
            if kind == "unknown_site":
                site, centralised = "不存在安置点", True
            size = max(size, 2)
        for i in range(size):
            serial += 1
            if i == 0:
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randrange(365 * 40))
            else:
                birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randrange(365 * 70))
            while True:
                ident = id_number(serial, birth)
                if ident not in taken:
                    break
                serial += 1
            taken.add(ident)
            if i == 0 and households < 7:
                first_ids.append(ident)
            relation = "户主" if i == 0 else (rnd.choice(RELATIONS) if i > 1 else "配偶")
            if kind == "two_heads" and i == 1:
                relation = "户主"
            if kind == "duplicate" and i == 1:
                ident = first_ids[0]  # a person of household 1 listed again here
            if kind == "check_digit" and i == 0:
                ident = ident[:17] + ("0" if ident[17] != "0" else "1")
            age = 2026 - birth.year
            education, schooling = ("", rnd.choice(["小学", "七年级", "八年级", "普通高中一年级"])) \
                if 6 <= age <= 17 else (rnd.choice(["文盲或半文盲", "小学", "初中", "高中"]), "")
            if age < 6:
                education, schooling = "", "学龄前儿童"
            if kind == "both_schooling" and i == 0:
                education, schooling = "初中", "七年级"
            cell = ident
            roll = rnd.random()
            if roll < 0.01 and ident[-1] != "X":
                cell = float(ident)  # typed as a number: Excel keeps 15 digits, the row must be reported
            elif roll < 0.03:
                cell = ident + rnd.choice(["14", "23", "1402", "2301"])  # 残疾证号
            phone = (13800000000 + rnd.randrange(10**8)) * 1.0 if i == 0 else ""
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
            labour = "无劳动力" if age < 16 or age > 70 else rnd.choice(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"])
            row = {
                "行政县": COUNTY[1], "乡镇": TOWNSHIPS[t][1], "行政村": village_name(t, v), "自然村": f"{rnd.randint(1, 9)}组",
                "户编号": number, "人编号": f"{number}{i + 1:02d}", "姓名": name, "证件号码": cell, "人数": size,
                "与户主关系": relation, "民族": rnd.choice(["汉族", "苗族", "布依族", "彝族"]), "文化程度": education,
                "在校生状况": schooling, "健康状况": rnd.choice(["健康", "健康", "长期慢性病", "残疾,长期慢性病"]),
                "劳动技能": labour, "务工状况": "在校学生" if schooling else rnd.choice(["外出务工", "就近就业", "未就业"]),
                "务工时间": rnd.randint(0, 12), "参加大病医疗": "是", "脱贫属性": "已脱贫", "脱贫年度": 2019,
                "贫困户属性": rnd.choice(["一般贫困户", "低保贫困户"]), "主要致贫原因": rnd.choice(["因病", "缺技术", "缺资金"]),
                "危房户": "否", "饮水安全": "是", "饮水困难": "否", "人均纯收入": round(rnd.uniform(3000, 9000), 2),
                "联系电话": phone, "搬迁原因": "生存条件恶劣、自然灾害频发",
                "安置方式": "集中安置" if centralised else "分散安置", "安置点名称": site,
                "规划住房面积(㎡)": 20 * size, "户自筹(元)": rnd.choice([0, 2000, 3000, 5000]),
                "是否财政供养人员或其直系亲属": "否",
            }
            ws.append([row[h] for h in HEADER])
            written += 1
    wb.save(path)
    return {"persons": written, "households": households, "bad": bad}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--persons", type=int, default=10000)
    args = parser.parse_args()
    print(build(args.out, args.persons))
