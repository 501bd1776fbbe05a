from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "duban.people"
    label = "people"
    verbose_name = "用户与权限"
    default_auto_field = "django.db.models.BigAutoField"
