from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "搬迁流程"

    def ready(self):
        from . import document_types  # noqa: F401  (the lifecycle's document types, for get_spec anywhere)
        from . import signals  # noqa: F401
        from . import site_admin, site_documents, site_signals  # noqa: F401  (the site lifecycle, issue 5)
