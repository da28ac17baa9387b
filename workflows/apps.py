from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "搬迁流程"

    def ready(self):
        from . import signals  # noqa: F401
