from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "名单导入与回头看"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The 回头看 report registers its document type with the paper engine (documents/types).
        from . import document_types  # noqa: F401
