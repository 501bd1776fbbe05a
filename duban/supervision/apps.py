from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "duban.supervision"
    label = "supervision"
    verbose_name = "督查督办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from duban.supervision.services.members import connect

        connect()
