"""/favicon.ico: browsers ask for it at the site root whatever the page says; duban serves its own."""
from importlib import resources

from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

_ICON = resources.files("duban.web").joinpath("static/duban/favicon.ico")


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    return HttpResponse(_ICON.read_bytes(), content_type="image/x-icon")
