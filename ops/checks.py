"""Deploy checks of our own (manage.py check --deploy), beside Django's."""

from django.conf import settings
from django.core.checks import Warning, register

DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"


@register(deploy=True)
def public_base_url(app_configs, **kwargs):
    url = settings.DOCUMENTS_PUBLIC_BASE_URL
    if settings.DEBUG or (url != DEFAULT_PUBLIC_BASE_URL and url.startswith("https://")):
        return []
    return [Warning(
        f"DOCUMENTS_PUBLIC_BASE_URL is {url!r}: every QR code printed on a document points there.",
        hint="Set DOCUMENTS_PUBLIC_BASE_URL to the public https:// address of /verify/.", id="ops.W001",
    )]


@register(deploy=True)
def storage_is_shared(app_configs, **kwargs):
    s3 = settings.STORAGES["default"]["BACKEND"].endswith("S3Storage")
    if settings.DEBUG or s3 or not settings.REDIS_URL or settings.OPS_SINGLE_MACHINE:
        return []
    return [Warning(
        "Celery workers run (REDIS_URL) but documents are stored in local files: a worker on another "
        "machine would write PDFs the web servers cannot read.",
        hint="Use S3-compatible storage (AWS_STORAGE_BUCKET_NAME), or set OPS_SINGLE_MACHINE=1 when "
             "every process runs on this one machine.", id="ops.W002",
    )]
