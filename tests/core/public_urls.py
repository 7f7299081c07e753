"""A tiny public page for tests/core/test_public.py."""

from django.http import HttpResponse
from django.urls import path

from anxuan.core.public import PublicHttpRequest, public


@public("test.hello")
def hello(request: PublicHttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def refuse_all(request: object) -> bool:
    return False


urlpatterns = [path("hello/", hello, name="hello")]
