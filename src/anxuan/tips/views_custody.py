"""The pages of identity protection: naming an office's custodian, the custodian's reveal
of a reporter's identity, the access log; and a tip's evidence files for its handlers
(the stripped copies only)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.orgs.models import Organization, Person
from anxuan.tips import custody
from anxuan.tips.models import TipFile
from anxuan.tips.views import tips_for

LOG_ROWS = 500


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]  # no stubs_ext at run time
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name or obj.username}（{obj.username}）"


class CustodianForm(forms.Form):
    person = PersonField(
        queryset=Person.objects.none(), label=gettext_lazy("Custodian"), empty_label=None
    )

    def __init__(self, *args: object, office: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["person"]
        assert isinstance(field, PersonField)  # noqa: S101 - narrows the type
        field.queryset = custody.candidates(office)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the identity is needed"),
        max_length=custody.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page with an identity, or about who looked at one, is never kept by a browser or
    a proxy."""
    response["Cache-Control"] = "no-store"
    return response


def _office_for(person: Person, pk: int) -> Organization:
    """An organisation inside the person's reach; 404 outside it."""
    office = get_object_or_404(Organization, pk=pk)
    if not custody.sees_office(person, office):
        raise Http404
    return office


@login_required
@require_http_methods(["GET", "POST"])
def custodian(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """The office admin names the office's custodian of reporters' identities."""
    office = _office_for(request.user, org_pk)
    if not custody.may_name_custodian(request.user, office):
        raise PermissionDenied
    current = custody.custodian_of(office)
    initial = {"person": current.person_id} if current else {}
    form = CustodianForm(request.POST or None, office=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            named = custody.name_custodian(
                actor=request.user, office=office, person=form.cleaned_data["person"]
            )
        except ValidationError as exc:
            form.add_error("person", exc)
        else:
            messages.success(
                request,
                _("%(person)s is the custodian of %(office)s.")
                % {"person": named.person, "office": office.name},
            )
            return redirect("tips:custodian", org_pk=office.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "tips/custody_custodian.html",
        {"office": office, "current": current, "form": form},
        status=status,
    )


@login_required
@require_POST
def identity_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The custodian's reveal: a POST with a reason, answered with the identity."""
    tip = get_object_or_404(tips_for(request.user), pk=pk)
    if not custody.is_custodian(request.user, tip.office):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            revealed = custody.reveal_identity(
                actor=request.user, tip=tip, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _no_store(
                render(request, "tips/custody_reveal.html", {"tip": tip, "revealed": revealed})
            )
    return _no_store(
        render(request, "tips/custody_reveal.html", {"tip": tip, "form": form}, status=400)
    )


@login_required
@require_GET
def identity_log(request: AuthenticatedHttpRequest, org_pk: int) -> HttpResponse:
    """Who revealed which reporter of the office's tips, when and why."""
    office = _office_for(request.user, org_pk)
    if not custody.may_read_access_log(request.user, office):
        raise PermissionDenied
    accesses = custody.accesses_of(office)
    return _no_store(
        render(
            request,
            "tips/custody_log.html",
            {
                "office": office,
                "accesses": accesses[:LOG_ROWS],
                "count": accesses.count(),
                "current": custody.custodian_of(office),
            },
        )
    )


def _files_for(person: Person) -> QuerySet[TipFile]:
    return TipFile.objects.filter(tip__in=tips_for(person).values("pk"))


@login_required
@require_GET
def tip_file(request: AuthenticatedHttpRequest, pk: int, thumb: bool = False) -> FileResponse:
    """A tip's photo or video (the copy without location or device data) or its thumbnail,
    for the offices handling the tip."""
    found = get_object_or_404(_files_for(request.user), pk=pk)
    name = found.thumbnail if thumb else found.storage_name
    if not name:
        raise Http404
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="image/jpeg" if thumb else found.content_type,
        filename=found.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    return response
