"""Small helpers every app's views use; no business rules."""

from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download with a Chinese file name (RFC 6266)."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def render_form(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    submit: str,
    back: str = "",
    intro: str = "",
    status: int | None = None,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "back": back,
        "intro": intro,
        **extra,
    }
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, "core/form.html", context, status=status)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness with one database round trip; also the one-query baseline of benchmark B1."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")
