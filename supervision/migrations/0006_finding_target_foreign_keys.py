"""Finding.household_id / site_id were plain integers; they become foreign keys (PROTECT) with the
same values: the integer columns are renamed aside, the keys added, the values copied, the old
columns dropped. A value naming a household or site that no longer exists stops the migration
with the findings concerned (nothing is silently dropped from the ledger)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_targets(apps, schema_editor):
    Finding = apps.get_model("supervision", "Finding")
    Household = apps.get_model("registry", "Household")
    ResettlementSite = apps.get_model("registry", "ResettlementSite")
    rows = list(Finding.objects.values_list("pk", "household_ref", "site_ref"))
    households = set(Household.objects.filter(pk__in={h for _, h, _ in rows if h}).values_list("pk", flat=True))
    sites = set(ResettlementSite.objects.filter(pk__in={s for _, _, s in rows if s}).values_list("pk", flat=True))
    dangling = [pk for pk, h, s in rows if (h and h not in households) or (s and s not in sites)]
    if dangling:
        raise RuntimeError(f"督查问题 {dangling} 所涉搬迁户或安置点已不存在，无法建立外键；请先核实这些问题再迁移。")
    for pk, household_id, site_id in rows:
        if household_id or site_id:
            Finding.objects.filter(pk=pk).update(household_id=household_id, site_id=site_id)


def copy_back(apps, schema_editor):
    Finding = apps.get_model("supervision", "Finding")
    for pk, household_id, site_id in Finding.objects.values_list("pk", "household_id", "site_id"):
        Finding.objects.filter(pk=pk).update(household_ref=household_id, site_ref=site_id)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_site_bureau_roles'),
        ('supervision', '0005_finding_responded_late'),
    ]

    operations = [
        migrations.RenameField(model_name='finding', old_name='household_id', new_name='household_ref'),
        migrations.RenameField(model_name='finding', old_name='site_id', new_name='site_ref'),
        migrations.AddField(
            model_name='finding',
            name='household',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_findings', to='registry.household', verbose_name='搬迁户'),
        ),
        migrations.AddField(
            model_name='finding',
            name='site',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='supervision_findings', to='registry.resettlementsite', verbose_name='安置点'),
        ),
        migrations.RunPython(copy_targets, copy_back),
        migrations.RemoveField(model_name='finding', name='household_ref'),
        migrations.RemoveField(model_name='finding', name='site_ref'),
    ]
