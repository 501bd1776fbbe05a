from django.urls import include, path

from duban.web import auth, favicon, health, home
from duban.web.api.urls import api

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", include("duban.web.office.urls")),
    path("", include("duban.web.supervision.urls")),
    path("bulletins/", include("duban.web.bulletins.urls")),
    path("unit/", include("duban.web.unit.urls")),
    path("imports/", include("duban.web.imports.urls")),
    path("users/", include("duban.web.people.urls")),
    path("public/clues/", include("duban.web.clues.urls")),
    path("public/", include("duban.web.public.urls")),
    path("api/", api.urls),
]
