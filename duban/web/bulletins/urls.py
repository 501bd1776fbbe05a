"""通报: mounted at bulletins/."""
from django.urls import path

from duban.web.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.bulletin_list, name="list"),
    path("new/", views.bulletin_new, name="new"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_bulletin, name="public_bulletin"),
    path("<int:pk>/", views.bulletin_detail, name="detail"),
    path("<int:pk>/approve/", views.bulletin_approve, name="approve"),
    path("<int:pk>/publish/", views.bulletin_publish, name="publish"),
    path("<int:pk>/discard/", views.bulletin_discard, name="discard"),
    path("<int:pk>/view/", views.bulletin_view, name="view"),
    path("<int:pk>/download/<slug:fmt>/", views.bulletin_download, name="download"),
]
