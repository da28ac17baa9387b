from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "对象登记"

    def ready(self):
        from . import signals  # noqa: F401
