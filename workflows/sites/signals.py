"""A newly registered site enters 选址规划: give it its project row and put its first tasks in
front of the county bureaus. Sites are registered in registry (admin, the demo), which knows
nothing of workflows; this receiver is how the site lifecycle learns of them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.models import ResettlementSite
from registry.models import SiteStage as T
from workflows.models.sites import SiteProject
from workflows.sites.flowsync import open_stage


@receiver(post_save, sender=ResettlementSite, dispatch_uid="workflows.open_site_selection")
def open_site_selection(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        instance.project = SiteProject.objects.create(site=instance)
        if instance.stage == T.SELECTION:
            open_stage(instance)
