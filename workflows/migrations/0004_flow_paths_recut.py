"""The flows moved into their lifecycle packages (workflows/households/flows.py,
workflows/sites/flows.py). viewflow stores each process's flow class and each task's node as a
path string ("workflows/flows.ApprovalFlow.county_approval"), so open processes would no longer
find their flow (docs/traps.md, viewflow): rewrite the stored paths, both ways."""

from django.db import migrations

# (old prefix, new prefix) of viewflow's references "app_label/module.Class[.node]".
MOVED = [
    ("workflows/flows.", "workflows/households.flows."),
    ("workflows/site_flows.", "workflows/sites.flows."),
]
COLUMNS = [("viewflow_process", "flow_class"), ("viewflow_task", "flow_task")]


def _rewrite(schema_editor, pairs):
    with schema_editor.connection.cursor() as cursor:
        for table, column in COLUMNS:
            for old, new in pairs:
                # Table and column names are the constants above; the values are parameters.
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s || substr({column}, %s) WHERE {column} LIKE %s",  # nosec B608
                    [new, len(old) + 1, old + "%"],
                )


def forwards(apps, schema_editor):
    _rewrite(schema_editor, MOVED)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, [(new, old) for old, new in MOVED])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0003_site_lifecycle"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
