from django.urls import include, path

from duban.web import auth, home
from duban.web.api.urls import api

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", include("duban.web.office.urls")),
    path("unit/", include("duban.web.unit.urls")),
    path("imports/", include("duban.web.imports.urls")),
    path("public/", include("duban.web.public.urls")),
    path("api/", api.urls),
]
