"""用户管理 in the office's pages: the list, a new account, one account (edit, reset, disable)."""
from django.urls import path

from duban.web.people import views

app_name = "people"
urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_new, name="new"),
    path("<int:pk>/", views.user_detail, name="detail"),
    path("<int:pk>/reset/", views.user_reset, name="reset"),
    path("<int:pk>/active/", views.user_active, name="active"),
]
