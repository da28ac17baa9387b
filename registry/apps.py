from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "对象登记"

    def ready(self):
        # Imported once the models are loaded (signals connect; scope reads the grant models).
        from audit.log import set_posts_provider
        from registry import signals  # noqa: F401
        from registry.scope import posts_over

        # Each audit event keeps the posts its actor held over its area at that moment.
        # audit, below registry, imports nothing of ours: registry answers the question for it.
        set_posts_provider(posts_over)
