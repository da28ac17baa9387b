from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "对象登记"

    def ready(self):
        from audit.log import set_posts_provider

        from . import signals  # noqa: F401
        from .posts_at import posts_over

        # Each audit event keeps the posts its actor held over its area at that moment (issue 8).
        # audit, below registry, imports nothing of ours: registry answers the question for it.
        set_posts_provider(posts_over)
