"""/healthz: a trivial view for load balancers and for the benchmark's baseline (bench/web.py).

It touches neither the database nor the session: it measures the server and the middleware only.
"""
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
