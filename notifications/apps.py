from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "消息提醒"

    def ready(self):
        # After the models load: the receivers connect, and the lifecycle learns who stands in for
        # whom (workflows sits below this app and asks through the hooks of workflows/acting.py).
        from notifications import delegation, receivers  # noqa: F401
        from workflows import acting

        acting.set_delegation_hooks(principals=delegation.principal_ids, on_stand_in=delegation.record_stand_in)
