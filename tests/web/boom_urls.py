"""duban's URLs and one view that fails, for the 500 tests (tests/web/test_request_ids.py)."""
from django.urls import path

from duban.urls import handler500  # noqa: F401 - handler500 is the point
from duban.urls import urlpatterns as duban_urlpatterns


def boom(request):
    raise ZeroDivisionError("boom: a bug in a view")


urlpatterns = [path("boom/", boom), *duban_urlpatterns]
