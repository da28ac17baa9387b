from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "文书与证据"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The first document types register themselves with the engine on import.
        from . import types  # noqa: F401
