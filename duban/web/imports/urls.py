from django.urls import path

from duban.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("preview/<str:token>/confirm/", views.confirm, name="confirm"),
    path("done/<int:pk>/", views.done, name="done"),
]
