"""Who may do what in the organisation tree: the one place tree checks live.

A person holds roles in organisations; a role reaches the organisation's whole
subtree. Superusers act as office administrators everywhere.
"""

from collections.abc import Iterable

import rules
from django.db.models import Q

from anxuan.orgs.enums import OFFICE_ROLES, Role
from anxuan.orgs.models import Membership, Organization, Person

_CACHE_ATTR = "_anxuan_memberships"


def memberships_of(person: Person) -> list[Membership]:
    """The person's memberships with their organisations, fetched once per request object."""
    if not getattr(person, "is_authenticated", False):
        return []
    cached = getattr(person, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(person=person, organization__archived=False).select_related(
                "organization"
            )
        )
        setattr(person, _CACHE_ATTR, cached)
    return cached


def forget_memberships(person: Person) -> None:
    if hasattr(person, _CACHE_ATTR):
        delattr(person, _CACHE_ATTR)


def own_org_ids(person: Person, roles: Iterable[str]) -> list[int]:
    """Organisations where the person holds one of `roles` directly (not through a parent)."""
    wanted = set(roles)
    return [m.organization_id for m in memberships_of(person) if m.role in wanted]


def roles_over(person: Person, org: Organization) -> set[str]:
    """Roles the person holds in `org` or any of its ancestors."""
    if getattr(person, "is_superuser", False):
        return set(Role.values)
    return {m.role for m in memberships_of(person) if org.path.startswith(m.organization.path)}


def has_role_over(person: Person, org: Organization, roles: Iterable[str]) -> bool:
    return bool(roles_over(person, org) & set(roles))


def subtree_q(person: Person, roles: Iterable[str] | None = None, field: str = "") -> Q:
    """A filter matching organisations (or rows pointing at one through `field`) inside the
    subtrees the person reaches with any of `roles` (all roles when None). Matches nothing
    when the person has none."""
    prefix = f"{field}__" if field else ""
    if getattr(person, "is_superuser", False):
        return Q(**{f"{prefix}pk__isnull": False})  # not Q(): `Q() | x` would drop to x
    wanted = set(roles) if roles is not None else None
    q = Q(pk__in=[])
    for m in memberships_of(person):
        if wanted is None or m.role in wanted:
            q |= Q(**{f"{prefix}path__startswith": m.organization.path})
    return q


@rules.predicate
def can_view_org(person: Person, org: Organization | None) -> bool:
    return org is not None and bool(roles_over(person, org))


@rules.predicate
def can_manage_org(person: Person, org: Organization | None) -> bool:
    return org is not None and Role.OFFICE_ADMIN in roles_over(person, org)


@rules.predicate
def is_office_over(person: Person, org: Organization | None) -> bool:
    return org is not None and has_role_over(person, org, OFFICE_ROLES)


@rules.predicate
def is_office_somewhere(person: Person) -> bool:
    return getattr(person, "is_superuser", False) or any(
        m.role in OFFICE_ROLES for m in memberships_of(person)
    )


@rules.predicate
def is_admin_somewhere(person: Person) -> bool:
    return getattr(person, "is_superuser", False) or any(
        m.role == Role.OFFICE_ADMIN for m in memberships_of(person)
    )


@rules.predicate
def can_manage_person(person: Person, other: Person | None) -> bool:
    """An office admin manages a person whose every membership lies in the admin's subtrees."""
    if other is None:
        return False
    if getattr(person, "is_superuser", False):
        return True
    theirs = list(other.memberships.select_related("organization"))
    return bool(theirs) and all(can_manage_org(person, m.organization) for m in theirs)


rules.add_perm("orgs.view_organization", can_view_org)
rules.add_perm("orgs.manage_organization", can_manage_org)
rules.add_perm("orgs.office_work", is_office_somewhere)
rules.add_perm("orgs.admin_work", is_admin_somewhere)
rules.add_perm("orgs.manage_person", can_manage_person)
