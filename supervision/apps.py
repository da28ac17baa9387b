from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = "监督"

    def ready(self):
        # Issue 8: each audit event keeps the posts its actor held over its area at that moment,
        # so the auditors' history names the post held then. audit (ground floor) imports nothing
        # of ours; registry's answer is plugged in here, above both.
        from audit.log import set_posts_provider
        from registry.posts_at import posts_over

        set_posts_provider(posts_over)
