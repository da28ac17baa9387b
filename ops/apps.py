from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the system for real: health endpoint, JSON logs with a request id, backup and
    restore, the local S3 server. Top floor beside config: it may import anything below."""

    name = "ops"
    verbose_name = "运行维护"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
