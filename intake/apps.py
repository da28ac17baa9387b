from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "名单导入与回头看"
    default_auto_field = "django.db.models.BigAutoField"
