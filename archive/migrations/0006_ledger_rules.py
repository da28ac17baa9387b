"""Filing rules for the village's and county's ledgers (workflows/document_types/ledgers.py):
村级搬迁对象台账 → 村·台账, 易地扶贫搬迁资金台账 → 县·资金. A scheme a superuser already changed
keeps its rows."""

from django.db import migrations

RULES = [
    ("village_household_ledger", "village", "TZ"),
    ("relocation_funds_ledger", "county", "ZJ"),
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
    dependencies = [("archive", "0005_export_job_expired")]

    operations = [migrations.RunPython(add, remove)]
