from django.urls import path

from duban.web.unit import template, views

app_name = "unit"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("tasks/<int:pk>/report/", views.report, name="report"),
    path("reports/<int:pk>/revise/", views.revise, name="revise"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("values/<int:pk>/", views.decide_value, name="decide_value"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("template.xlsx", template.template_download, name="template_download"),
    path("template/", template.template_upload, name="template_upload"),
]
