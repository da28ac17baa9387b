"""Test workbooks in the shapes officials hold (docs/formats.md §1.2–1.3), built with openpyxl."""

import io

from openpyxl import Workbook

from tests.factories import make_id_number

# The national system's person-level export (formats.md §1.2), our relocation columns after it.
NATIONAL_HEADER = [
    "行政县", "乡镇", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数", "与户主关系", "民族",
    "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间", "参加大病医疗", "脱贫属性", "脱贫年度",
    "贫困户属性", "主要致贫原因", "危房户", "饮水安全", "饮水困难", "人均纯收入", "联系电话",
    "搬迁原因", "安置方式", "安置点名称", "规划住房面积(㎡)", "户自筹(元)", "是否财政供养人员或其直系亲属",
]
# 彝良县's 花名册 (formats.md §1.3): four rows above the data, households by the 户主 row.
ROSTER_HEADER = [
    "乡(镇)", "行政村", "自然村", "户编号", "姓名", "身份证号", "家庭人数", "与户主关系", "民族", "性别", "文化程度", "劳动力",
    "是否在校", "就读年级", "健康状况", "联系电话", "类型", "搬迁原因", "安置方式", "搬迁地点", "安置面积", "户自筹",
    "县", "备注",
]


def person(name, relation, *, id_number=None, education="初中", schooling="", labour="普通劳动力", phone="",
           household_no="", **extra):
    return {"姓名": name, "与户主关系": relation, "证件号码": id_number or make_id_number(),
            "文化程度": education, "在校生状况": schooling, "劳动技能": labour, "联系电话": phone,
            **({"户编号": household_no} if household_no else {}), **extra}


def national(households, *, county="示例县", town="城关镇", village="村A", title_rows=2, site="",
             mode="分散安置", reason="生存条件恶劣、自然灾害频发", area_per_person=20) -> io.BytesIO:
    """`households`: [[person, ...], ...]; each person a dict of column label → value."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for i in range(title_rows):
        ws.append(["建档立卡贫困人口信息（导出）" if i == 0 else f"导出时间：2026-12-01 第{i}行说明"])
    ws.append(NATIONAL_HEADER)
    for n, members in enumerate(households, start=1):
        for p in members:
            row = {"行政县": county, "乡镇": town, "行政村": village, "人数": len(members), "务工状况": "就近就业",
                   "户编号": p.get("户编号") or f"52099910120100{n:04d}", "搬迁原因": reason, "安置方式": mode,
                   "安置点名称": site, "规划住房面积(㎡)": area_per_person * len(members), "户自筹(元)": 3000,
                   "是否财政供养人员或其直系亲属": "否", **p}
            if row["证件号码"] is None:
                row["证件号码"] = ""
            ws.append([row.get(label, "") for label in NATIONAL_HEADER])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def roster(households, *, county="示例县", town="城关镇", village="村A") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["彝良县易地扶贫搬迁对象花名册-20261201"])
    ws.append(["填报单位：城关镇人民政府", None, None, "填报日期：2026年12月1日"])
    ws.append(["（一户一行为户主，家庭成员列于户主之下）"])
    ws.append(ROSTER_HEADER)
    for n, members in enumerate(households, start=1):
        for p in members:
            # 户编号 on the 户主's row only, as many 花名册 write it: households go by the 户主 row.
            number = (p.get("户编号") or f"52099910120199{n:04d}") if p["与户主关系"] == "户主" else ""
            row = {"户编号": number, "乡(镇)": town, "行政村": village, "自然村": "一组", "姓名": p["姓名"], "身份证号": p["证件号码"],
                   "家庭人数": len(members), "与户主关系": p["与户主关系"], "文化程度": p.get("文化程度", ""),
                   "劳动力": p.get("劳动技能", ""), "就读年级": p.get("在校生状况", ""), "联系电话": p.get("联系电话", ""),
                   "类型": "卡户", "搬迁原因": "生存条件恶劣、自然灾害频发", "安置方式": "分散", "安置面积": 20 * len(members),
                   "户自筹": 2000, "县": county, **{k: v for k, v in p.items() if k in ROSTER_HEADER and k != "户编号"}}
            ws.append([row.get(label, "") for label in ROSTER_HEADER])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out
