from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "档案"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Filing listens to the documents models (archive sits above them; nothing below imports archive).
        from . import signals  # noqa: F401
