from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "duban.web"
    label = "web"
    verbose_name = "网站"
