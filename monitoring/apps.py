from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "进度监测"

    def ready(self):
        # The weekly bulletin registers its document type with the documents engine.
        from monitoring import bulletin  # noqa: F401
