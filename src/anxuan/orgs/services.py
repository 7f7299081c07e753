"""Writes to organisations and people. Each runs in one transaction and leaves an audit row."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anxuan.core.audit import changes, record, snapshot
from anxuan.orgs.enums import Role
from anxuan.orgs.models import PATH_STEP, Membership, Organization, Person
from anxuan.orgs.rules import can_manage_org, can_manage_person, forget_memberships


def _path_for(org: Organization) -> str:
    parent_path = org.parent.path if org.parent_id else ""
    return f"{parent_path}{org.pk:0{PATH_STEP}d}/"


@transaction.atomic
def create_organization(
    *,
    actor: Person | None,
    name: str,
    kind: str,
    parent: Organization | None,
    region_code: str | None = None,
) -> Organization:
    """Create an organisation under `parent`. Side effects: audit row."""
    if (
        actor is not None
        and not (parent and can_manage_org(actor, parent))
        and not actor.is_superuser
    ):
        raise PermissionDenied
    org = Organization(name=name.strip(), kind=kind, parent=parent, region_code=region_code or None)
    org.path = "pending"
    org.full_clean(exclude=["path"])
    org.save()
    org.path = _path_for(org)
    org.save(update_fields=["path"])
    record(actor=actor, action="org.create", target=org, summary=org.name)
    return org


@transaction.atomic
def update_organization(
    *,
    actor: Person,
    org: Organization,
    name: str,
    kind: str,
    region_code: str | None,
    parent: Organization | None,
) -> Organization:
    """Rename, re-kind or move an organisation; a move rewrites the paths of its subtree."""
    moving = parent != org.parent
    if not can_manage_org(actor, org) or (
        moving and not (parent and can_manage_org(actor, parent))
    ):
        raise PermissionDenied
    if parent is not None and parent.path.startswith(org.path):
        raise ValidationError({"parent": _("An organisation cannot be moved under itself.")})
    before = {
        "name": org.name,
        "kind": org.kind,
        "region_code": org.region_code,
        "parent": org.parent_id,
    }
    old_path = org.path
    org.name, org.kind, org.region_code, org.parent = (
        name.strip(),
        kind,
        region_code or None,
        parent,
    )
    org.full_clean(exclude=["path"])
    org.path = _path_for(org)
    org.save()
    if org.path != old_path:
        for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            child.path = org.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    record(actor=actor, action="org.update", target=org, summary=org.name, before=before)
    return org


@transaction.atomic
def archive_organization(*, actor: Person, org: Organization) -> None:
    """Archive an organisation and its subtree (deletion is archiving)."""
    if not can_manage_org(actor, org) or org.parent_id is None:
        raise PermissionDenied
    Organization.objects.filter(path__startswith=org.path).update(archived=True)
    record(actor=actor, action="org.archive", target=org, summary=org.name)


def generate_password() -> str:
    """An initial password a person can type from a printout: no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def create_person(
    *,
    actor: Person | None,
    username: str,
    full_name: str,
    mobile: str | None,
    organization: Organization,
    role: str,
    title: str = "",
    password: str | None = None,
) -> tuple[Person, str]:
    """Create a person with one membership. Returns the person and the initial password
    (generated when not given) to hand over once; a generated one must be changed at the
    first login. A username or mobile that is already someone's login name is refused
    (ValidationError). Side effects: audit row."""
    if actor is not None and not can_manage_org(actor, organization):
        raise PermissionDenied
    person = Person(
        username=username.strip(),
        full_name=full_name.strip(),
        mobile=mobile or None,
        must_change_password=password is None,
    )
    password = password or generate_password()
    person.set_password(password)
    person.full_clean(exclude=["password"])
    person.save()
    Membership.objects.create(person=person, organization=organization, role=role, title=title)
    record(
        actor=actor,
        action="person.create",
        target=person,
        summary=person.get_full_name(),
        organization=organization.pk,
        role=role,
    )
    return person, password


@transaction.atomic
def update_person(
    *, actor: Person, person: Person, full_name: str, mobile: str | None, is_active: bool
) -> Person:
    """Change a person's name or mobile, or (de)activate them.
    Side effects: audit row with what changed."""
    if not can_manage_person(actor, person):
        raise PermissionDenied
    before = snapshot(person)
    person.full_name, person.mobile, person.is_active = full_name.strip(), mobile or None, is_active
    person.full_clean(exclude=["password"])
    person.save()
    record(
        actor=actor,
        action="person.update",
        target=person,
        summary=person.get_full_name(),
        changes=changes(before, person),
    )
    return person


@transaction.atomic
def reset_password(*, actor: Person, person: Person) -> str:
    """Give the person a new generated password and return it to hand over once. They must
    change it at their next login; their API tokens stop working (Person.save notes the
    password's time). Side effects: audit row."""
    if not can_manage_person(actor, person):
        raise PermissionDenied
    password = generate_password()
    person.set_password(password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    record(actor=actor, action="person.reset_password", target=person)
    return password


@transaction.atomic
def change_own_password(*, actor: Person, password: str) -> None:
    """The person chooses their own password (the form checked the old one and Django's
    validators). Clears the must-change flag; their API tokens stop working. Side effects:
    audit row."""
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    record(actor=actor, action="person.change_password", target=actor)


@transaction.atomic
def add_membership(
    *, actor: Person | None, person: Person, organization: Organization, role: str, title: str = ""
) -> Membership:
    if actor is not None and not can_manage_org(actor, organization):
        raise PermissionDenied
    membership = Membership(person=person, organization=organization, role=role, title=title)
    membership.full_clean()
    membership.save()
    forget_memberships(person)
    record(
        actor=actor,
        action="membership.add",
        target=person,
        summary=f"{organization} · {membership.get_role_display()}",
        organization=organization.pk,
        role=role,
    )
    return membership


@transaction.atomic
def remove_membership(*, actor: Person, membership: Membership) -> None:
    if not can_manage_org(actor, membership.organization):
        raise PermissionDenied
    if membership.person_id == actor.pk and membership.role == Role.OFFICE_ADMIN:
        raise ValidationError(_("You cannot remove your own administrator role."))
    record(
        actor=actor,
        action="membership.remove",
        target=membership.person,
        summary=f"{membership.organization} · {membership.get_role_display()}",
        organization=membership.organization_id,
        role=membership.role,
    )
    membership.delete()
    forget_memberships(membership.person)
