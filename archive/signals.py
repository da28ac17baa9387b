"""post_save receivers on the documents models: a new document version or evidence item is filed
in the transaction that created it, so a failed render or upload leaves no item and no gap."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from documents.models import DocumentVersion, Evidence

from .filing import file_document_version, file_evidence


@receiver(post_save, sender=DocumentVersion, dispatch_uid="archive_file_document_version")
def file_new_document_version(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        file_document_version(instance)


@receiver(post_save, sender=Evidence, dispatch_uid="archive_file_evidence")
def file_new_evidence(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        file_evidence(instance)
