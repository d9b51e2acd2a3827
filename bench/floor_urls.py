"""URLs for benchmarks: the application's own, plus a trivial JSON view as the floor.

The floor view goes through the same server, middleware and URL resolver as every
page but does no work of its own (no database query), so a page's latency divided by
the floor's shows what the page itself costs. Selected only by the benchmark, through
``TEILHABE_URLCONF=floor_urls`` with this directory on the Python path.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from teilhabe.urls import urlpatterns as app_urlpatterns


def floor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("_bench/floor", floor), *app_urlpatterns]
