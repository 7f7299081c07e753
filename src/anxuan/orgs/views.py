from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anxuan.core.http import AuthenticatedHttpRequest
from anxuan.core.views import add_service_errors, render_form, xlsx_response
from anxuan.orgs import importing, selectors, services, sheets
from anxuan.orgs.forms import (
    ImportUploadForm,
    MembershipForm,
    OrganizationForm,
    PersonCreateForm,
    PersonEditForm,
)
from anxuan.orgs.models import Membership, Organization, Person

IMPORT_SESSION_KEY = "org_import"


def _managed_org(request: HttpRequest, pk: int) -> Organization:
    return selectors.get_organization_for(request.user, pk, perm="orgs.manage_organization")


@login_required
@require_GET
def org_tree(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.organizations_visible_to(request.user))
    base = min((o.depth for o in orgs), default=0)
    rows = [(o, o.depth - base) for o in orgs]
    return render(
        request,
        "orgs/tree.html",
        {
            "rows": rows,
            "roots": selectors.top_organizations(request.user),
        },
    )


@login_required
@require_GET
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.get_organization_for(request.user, pk)
    children = org.children.filter(archived=False)
    memberships = Membership.objects.filter(organization=org).select_related("person")
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "children": children,
            "memberships": memberships,
            "can_manage": request.user.has_perm("orgs.manage_organization", org),
            "ancestors": selectors.organizations_visible_to(request.user).filter(
                pk__in=[int(p) for p in org.path.split("/")[:-2] if p]
            ),
        },
    )


@login_required
def org_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _managed_org(request, pk)
    form = OrganizationForm(
        request.POST or None,
        initial={"parent": parent},
        parents=selectors.organizations_managed_by(request.user),
    )
    if form.is_valid():
        try:
            org = services.create_organization(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": org.name})
            return redirect("orgs:org_detail", pk=org.pk)
    return render_form(
        request,
        form,
        title=_("Add a unit under %(p)s") % {"p": parent},
        submit=_("Add"),
        back=parent.get_absolute_url(),
    )


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed_org(request, pk)
    parents = selectors.organizations_managed_by(request.user).exclude(
        path__startswith=org.path
    ) | Organization.objects.filter(pk=org.parent_id)  # keeping the current parent is allowed
    form = OrganizationForm(
        request.POST or None, instance=Organization.objects.get(pk=org.pk), parents=parents
    )
    if form.is_valid():
        try:
            services.update_organization(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:org_detail", pk=org.pk)
    return render_form(
        request,
        form,
        title=_("Edit %(name)s") % {"name": org.name},
        submit=_("Save"),
        back=org.get_absolute_url(),
    )


@login_required
@require_POST
def org_archive(request: HttpRequest, pk: int) -> HttpResponse:
    org = _managed_org(request, pk)
    services.archive_organization(actor=request.user, org=org)
    messages.success(request, _("“%(name)s” and its units were archived.") % {"name": org.name})
    return redirect("orgs:org_tree")


@login_required
def org_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a unit list and see every error; nothing is written here."""
    root = _managed_org(request, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_workbook(upload.file, upload.size)
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            preview = importing.validate_rows(rows, root=root, actor=request.user)
            if preview.ok:
                request.session[IMPORT_SESSION_KEY] = {"root": root.pk, "rows": rows}
    status = 400 if form.errors or (preview and not preview.ok) else 200
    return render(
        request,
        "orgs/import.html",
        {
            "root": root,
            "form": form,
            "preview": preview,
        },
        status=status,
    )


@login_required
@require_POST
def org_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    root = _managed_org(request, pk)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending or pending["root"] != root.pk:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("orgs:org_import", pk=root.pk)
    try:
        result = importing.apply_import(actor=request.user, root=root, rows=pending["rows"])
    except ValidationError:
        messages.error(
            request,
            _(
                "The units changed since the preview; nothing was imported. "
                "Upload the file again to see why."
            ),
        )
        return redirect("orgs:org_import", pk=root.pk)
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(request, _("%(n)d units imported.") % {"n": result.organizations})
    token = (
        sheets.keep_sheet(request.session, actor=request.user, root=root, accounts=result.accounts)
        if result.accounts
        else ""
    )
    return render(
        request,
        "orgs/import_done.html",
        {"root": root, "result": result, "token": token, "keep_hours": sheets.KEEP.seconds // 3600},
    )


def _password_sheet(
    request: AuthenticatedHttpRequest, pk: int, token: str
) -> tuple[Organization, sheets.Sheet]:
    """The import's password sheet if this session holds it for this person: 404 otherwise,
    as for one that never existed (another session, expired, forgotten)."""
    root = _managed_org(request, pk)
    sheet = sheets.find_sheet(request.session, token, actor=request.user, root=root)
    if sheet is None:
        raise Http404
    return root, sheet


@login_required
@require_GET
def import_password_sheet(request: AuthenticatedHttpRequest, pk: int, token: str) -> HttpResponse:
    """The new accounts' initial passwords as slips to print, cut and hand out."""
    root, sheet = _password_sheet(request, pk, token)
    return render(
        request,
        "orgs/password_sheet.html",
        {"root": root, "sheet": sheet, "login_url": request.build_absolute_uri(reverse("login"))},
    )


@login_required
@require_GET
def import_password_workbook(
    request: AuthenticatedHttpRequest, pk: int, token: str
) -> HttpResponse:
    root, sheet = _password_sheet(request, pk, token)
    content = importing.password_workbook(
        sheet.accounts,
        login_url=request.build_absolute_uri(reverse("login")),
        title=_("Initial passwords of the accounts imported into %(unit)s") % {"unit": root.name},
    )
    stamp = timezone.localtime(sheet.made_at).strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"initial-passwords-{root.pk}-{stamp}.xlsx")


@login_required
@require_POST
def import_password_forget(request: AuthenticatedHttpRequest, pk: int, token: str) -> HttpResponse:
    root, sheet = _password_sheet(request, pk, token)
    sheets.forget_sheet(request.session, sheet.token)
    messages.success(request, _("The initial passwords are no longer kept."))
    return redirect("orgs:org_detail", pk=root.pk)


@login_required
@require_GET
def org_export(request: HttpRequest, pk: int) -> HttpResponse:
    root = selectors.get_organization_for(request.user, pk)
    orgs = list(
        selectors.organizations_visible_to(request.user)
        .filter(path__startswith=root.path)
        .exclude(pk=root.pk)
    )
    content = importing.export_workbook(orgs, selectors.liaisons_by_org([o.pk for o in orgs]))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(content, f"units-{root.pk}-{stamp}.xlsx")


@login_required
@permission_required("orgs.admin_work", raise_exception=True)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(importing.template_workbook(), "unit-import-template.xlsx")


@login_required
@permission_required("orgs.office_work", raise_exception=True)
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    people = selectors.people_visible_to(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(full_name__icontains=query) | people.filter(mobile__startswith=query)
    return render(request, "orgs/people.html", {"people": people[:500], "query": query})


@login_required
@permission_required("orgs.admin_work", raise_exception=True)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonCreateForm(
        request.POST or None, organizations=selectors.organizations_managed_by(request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            person, password = services.create_person(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                mobile=data["mobile"] or None,
                organization=data["organization"],
                role=data["role"],
                title=data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request, "orgs/password_once.html", {"person": person, "password": password}
            )
    return render_form(request, form, title=_("Add a person"), submit=_("Add"))


@login_required
@permission_required("orgs.office_work", raise_exception=True)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.user, pk)
    can_manage = request.user.has_perm("orgs.manage_person", person)
    form = PersonEditForm(request.POST or None, instance=person) if can_manage else None
    if form is not None and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:person_detail", pk=person.pk)
    elif request.method == "POST" and form is None:
        raise PermissionDenied
    membership_form = MembershipForm(organizations=selectors.organizations_managed_by(request.user))
    return render(
        request,
        "orgs/person.html",
        {
            "person": person,
            "form": form,
            "can_manage": can_manage,
            "membership_form": membership_form,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _managed_person(request: HttpRequest, pk: int) -> Person:
    return selectors.get_person_for(request.user, pk, perm="orgs.manage_person")


@login_required
@require_POST
def person_add_membership(request: HttpRequest, pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    form = MembershipForm(
        request.POST, organizations=selectors.organizations_managed_by(request.user)
    )
    if form.is_valid():
        try:
            services.add_membership(actor=request.user, person=person, **form.cleaned_data)
            messages.success(request, _("Role added."))
        except ValidationError:
            messages.error(request, _("This person already has that role there."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("orgs:person_detail", pk=person.pk)


@login_required
@require_POST
def person_remove_membership(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, person=person)
    try:
        services.remove_membership(actor=request.user, membership=membership)
        messages.success(request, _("Role removed."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("orgs:person_detail", pk=person.pk)


@login_required
@require_POST
def person_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _managed_person(request, pk)
    password = services.reset_password(actor=request.user, person=person)
    return render(request, "orgs/password_once.html", {"person": person, "password": password})


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Anyone logged in chooses a new password, checked by Django's password validators;
    someone given an initial password is sent here first (PasswordChangeRequiredMiddleware)."""
    person = request.user
    form = PasswordChangeForm(person, request.POST or None)
    if form.is_valid():
        services.change_own_password(actor=person, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, person)  # stay logged in here, out elsewhere
        messages.success(request, _("Your password was changed."))
        return redirect("dashboards:home")
    intro = (
        _("Your password was given to you by your office. Choose your own before you go on.")
        if person.must_change_password
        else _("After the change, your API tokens stop working and other logins end.")
    )
    return render_form(
        request, form, title=_("Change your password"), submit=_("Change password"), intro=intro
    )
