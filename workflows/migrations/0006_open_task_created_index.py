"""The open human tasks in arrival order (issue 18, docs/scaling.md): the supervisor's 辖区全部
and the queue's orders walk this partial index — a few per cent of viewflow_task — instead of
the whole table's `created` index, which at 300 k households read 1.4 M finished tasks to find
the county's first 26 open ones (14.6 s)."""

from django.db import migrations

OPEN = "flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED', 'STARTED')"


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0005_open_task_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS wf_task_open_created_idx ON viewflow_task (created, id) WHERE {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS wf_task_open_created_idx",
        ),
    ]
