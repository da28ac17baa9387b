from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "搬迁流程"

    def ready(self):
        # Imported for their side effects once the models are loaded: document types register with
        # the documents engine, signal receivers connect, admin pages register.
        from workflows.households import document_types, signals  # noqa: F401
        from workflows.records import ledgers, level  # noqa: F401
        from workflows.sites import admin, document_types as site_document_types, signals as site_signals  # noqa: F401,I001
