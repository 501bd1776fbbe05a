"""The WSGI application (`duban serve` runs it under waitress; any WSGI server may). A production
installation that lacks its secret key or hosts is refused here too (duban.django_setup)."""
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from duban.django_setup import prepare_data_dir, production_problems

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
_problems = production_problems()
if _problems:
    raise ImproperlyConfigured("生产模式下拒绝启动:" + ";".join(_problems))
prepare_data_dir()
application = get_wsgi_application()
