"""Who may post to the officials' action pages at all.

Read-only posts (auditors, 纪检 and re-inspection teams) hold no acting capability anywhere:
their POSTs to any action answer 403 before a form is read. Which case, step and area an acting
official may touch is still decided by the services, case by case. The check itself is the one
aftercare/ and intake/ use too (workflows/acting.py)."""

from workflows.acting import post_requires_acting as acting_post_required  # noqa: F401  (urls.py)
