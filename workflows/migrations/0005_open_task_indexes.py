"""Indexes for a province of a million households (issue 18, docs/scaling.md).

- hprocess_area_idx: the worklist's scope (an area-code prefix on the household's process) read
  from the index alone, with the process id to join its tasks by;
- wf_task_open_process_idx: the open human tasks only (a few per cent of viewflow_task, which
  keeps every finished task): the scope's processes are probed here, not in the whole table;
- wf_task_open_owner_idx: the tasks an official holds (待我办理), in arrival order, without the
  thousands of finished tasks the same official once held.
viewflow's own table gets its indexes through this migration of ours (as in 0002)."""

from django.db import migrations, models

OPEN = "flow_task_type = 'HUMAN' AND status IN ('NEW', 'ASSIGNED', 'STARTED')"
TASK_INDEXES = [
    ("wf_task_open_process_idx", "process_id"),
    ("wf_task_open_owner_idx", "owner_id, created"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0004_flow_paths_recut"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="householdprocess",
            index=models.Index(fields=["area_code", "process_ptr"], name="hprocess_area_idx"),
        ),
        *[
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON viewflow_task ({columns}) WHERE {OPEN}",
                reverse_sql=f"DROP INDEX IF EXISTS {name}",
            )
            for name, columns in TASK_INDEXES
        ],
    ]
