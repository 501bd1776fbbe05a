"""duban's URLs and one view that fails, for the 500 tests (tests/web/test_request_ids.py)."""
from django.urls import path

from duban.urls import handler500, urlpatterns as duban_urlpatterns  # noqa: F401 - handler500 is the point


def boom(request):
    raise ZeroDivisionError("boom: a bug in a view")


urlpatterns = [path("boom/", boom), *duban_urlpatterns]
