from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from anxuan.core import ratelimit
from anxuan.core.http import RETRY_AFTER_SECONDS, storage_unavailable


class LanguageMiddleware:
    """Simplified Chinese unless the person chose another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: offices
    share machines and browsers set up in English, and the interface must speak Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class TrustedProxyMiddleware:
    """Headers in which a proxy speaks for the client (SECURE_PROXY_SSL_HEADER's "https",
    PROXY_CLIENT_IP_HEADER's address) count only from a proxy of FORWARDED_ALLOW_IPS: from
    anyone else they are dropped before Django reads them, as gunicorn ignores them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ssl_header: tuple[str, str] | None = settings.SECURE_PROXY_SSL_HEADER
        client_header: str = settings.PROXY_CLIENT_IP_HEADER
        if (ssl_header or client_header) and not ratelimit.from_trusted_proxy(request):
            for header in (ssl_header[0] if ssl_header else "", client_header):
                request.META.pop(header, None)
        return self.get_response(request)


class StorageUnavailableMiddleware:
    """A page whose files cannot be read or written because the object store is away
    answers 503 with a Retry-After and says so in words, instead of a 500: the person
    tries again, and nothing was half saved (the services store files before rows)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not storage_unavailable(exception):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
