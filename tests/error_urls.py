"""The site's URLs plus two that fail on purpose, for tests/test_error_pages.py."""

from django.urls import path
from ninja import NinjaAPI

from anxuan.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def broken_page(request):
    raise RuntimeError("a page that fails")


broken_api = NinjaAPI(urls_namespace="broken-api")


@broken_api.get("/fails")
def broken_endpoint(request):
    raise RuntimeError("an endpoint that fails")


urlpatterns = [
    path("broken/", broken_page),
    path("api/broken/", broken_api.urls),
    *urlpatterns,
]
