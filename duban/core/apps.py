from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app of duban uses: the audit trail (its model and its one way to write) and the
    input parsers. It sits below the ledger, the supervision, the bulletins and the pages."""

    name = "duban.core"
    label = "core"
    verbose_name = "公共"
    default_auto_field = "django.db.models.BigAutoField"
