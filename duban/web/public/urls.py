from django.urls import path

from duban.web.public import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/", views.plans, name="plans"),
    path("tasks/<int:pk>/", views.task, name="task"),
]
