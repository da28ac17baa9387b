"""A newly registered household enters 申报: put its task in front of the village clerk.

Registration happens in registry (admin, forms, imports, the demo), which knows nothing of
workflows; this receiver is how the lifecycle learns of a new case without an upward import.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from registry.models import Household
from registry.models import HouseholdStage as S
from workflows.households.flowsync import open_stage

# A notice batch's period ended and the batch closed (batches.close_due_notices), sent inside the
# closing transaction with `batch`: apps above workflows (notifications) listen without being imported.
notice_closed = Signal()


@receiver(post_save, sender=Household, dispatch_uid="workflows.open_application")
def open_application(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.stage == S.APPLY:
        open_stage(instance)
