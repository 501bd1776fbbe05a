"""通报: mounted at bulletins/."""
from django.urls import path

from duban.web.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_new, name="new"),
    path("public/", views.public_list, name="public"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/approve/", views.bulletin_approve, name="approve"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
    path("<int:pk>/view/", views.bulletin_view, name="view"),
    path("<int:pk>/download/<slug:fmt>/", views.bulletin_download, name="download"),
]
