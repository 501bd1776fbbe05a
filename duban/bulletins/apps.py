from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "duban.bulletins"
    label = "bulletins"
    verbose_name = "通报"
    default_auto_field = "django.db.models.BigAutoField"
