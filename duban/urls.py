from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "督办 · 台账管理"
admin.site.site_title = "督办"
admin.site.index_title = "台账数据维护"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("duban.web.urls")),
]

handler500 = "duban.web.errors.server_error"  # the request's id on the page (duban.web.logs)
