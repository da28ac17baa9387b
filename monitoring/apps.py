from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "进度监测"

    def ready(self):
        # The weekly bulletin and the daily report register their document types with the engine.
        from monitoring import bulletin, daily  # noqa: F401
