"""The open human tasks by the post they are routed to (issue 18): a county office's bounded counts
(the 待办 badge, the tab counts) start from its own open tasks — a handful — and look up each one's
process, instead of reading the whole task table (600 k open tasks of one large county: 1.1 s,
most of it PostgreSQL compiling the scan)."""

from django.db import migrations

OPEN = "flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED', 'STARTED')"


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0007_process_is_open"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS wf_task_open_post_idx ON viewflow_task (owner_permission, created) "
                f"WHERE {OPEN}",
            reverse_sql="DROP INDEX IF EXISTS wf_task_open_post_idx",
        ),
    ]
