from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "duban.supervision"
    label = "supervision"
    verbose_name = "督查督办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from duban.ledger.assessment import register_adjustment
        from duban.supervision.services.members import connect
        from duban.supervision.services.problems import apply_problem_pressure

        register_adjustment("problem_pressure", apply_problem_pressure)
        connect()
