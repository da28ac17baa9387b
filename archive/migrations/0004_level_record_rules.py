"""Filing rules for the township's and county's own records (workflows/document_types/level.py):
乡镇审核意见汇总表 → 乡·审核, 拆旧复垦验收汇总表 → 乡·拆旧验收, 搬迁对象审定名单 → 县·对象审定,
增减挂钩节余指标台账 → 县·拆旧复垦/增减挂钩. A scheme a superuser already changed keeps its rows."""

from django.db import migrations

RULES = [
    ("township_review_summary", "township", "SH"),
    ("demolition_summary", "township", "CY"),
    ("county_approval_list", "county", "SD"),
    ("reclamation_ledger", "county", "GL"),
]


def add(apps, schema_editor):
    Category = apps.get_model("archive", "ArchiveCategory")
    Rule = apps.get_model("archive", "FilingRule")
    for type_code, level, code in RULES:
        category = Category.objects.filter(level=level, code=code).first()
        if category is not None:
            Rule.objects.get_or_create(source="document", type_code=type_code, level=level,
                                       defaults={"category": category})


def remove(apps, schema_editor):
    Rule = apps.get_model("archive", "FilingRule")
    for type_code, level, _code in RULES:
        Rule.objects.filter(source="document", type_code=type_code, level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_export_job")]

    operations = [migrations.RunPython(add, remove)]
