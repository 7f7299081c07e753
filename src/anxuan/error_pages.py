"""The site's error pages (handler403/404/500 and CSRF_FAILURE_VIEW): in the site's layout,
in the person's language, with a way back; under /api/ the API's JSON error shape instead,
so a program never gets a page of HTML."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from anxuan.api.errors import ApiError, respond

API_PREFIX = "/api/"
log = logging.getLogger(__name__)


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_api(request):
        return respond(ApiError(404, "not_found"))
    return defaults.page_not_found(request, exception)  # 404.html, with the request


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_api(request):
        return respond(ApiError(403, "forbidden"))
    return defaults.permission_denied(request, exception)  # 403.html, with the request


def server_error(request: HttpRequest) -> HttpResponse:
    """500.html rendered without the request: no context processors, so no session or
    database read that could fail again (the header shows no person's menu)."""
    if _for_api(request):
        return respond(ApiError(500, "server_error"))
    try:
        return HttpResponseServerError(loader.render_to_string("500.html"))
    except Exception:  # even the template failed (static files missing?): say it plainly
        log.exception("the 500 page failed to render")
        return HttpResponseServerError(
            "服务器出错了，请稍后重试。Something went wrong; try again later.",
            content_type="text/plain; charset=utf-8",
        )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its CSRF token, or with an old one: the page may reopen the form
    (a GET of the same address) to send it again."""
    if _for_api(request):
        return respond(ApiError(403, "csrf_failed"))
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
