"""Reads of organisations and people, always scoped to the person asking."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from anxuan.core.models import AuditEntry
from anxuan.orgs.enums import Role
from anxuan.orgs.models import LoginName, Membership, Organization, Person
from anxuan.orgs.rules import memberships_of, subtree_q


def organizations_visible_to(person: Person, *, include_archived: bool = False) -> QuerySet:
    qs = Organization.objects.filter(subtree_q(person))
    if not include_archived:
        qs = qs.filter(archived=False)
    return qs.order_by("path")


def organizations_managed_by(person: Person) -> QuerySet:
    """Organisations in the subtrees where the person is an office administrator."""
    return Organization.objects.filter(
        subtree_q(person, [Role.OFFICE_ADMIN]), archived=False
    ).order_by("path")


def top_organizations(person: Person) -> list[Organization]:
    """The roots of the person's visible subtrees (no root inside another)."""
    if person.is_superuser:
        return list(Organization.objects.filter(parent__isnull=True, archived=False))
    orgs = sorted({m.organization for m in memberships_of(person)}, key=lambda o: o.path)
    roots: list[Organization] = []
    for org in orgs:
        if not any(org.path.startswith(r.path) for r in roots):
            roots.append(org)
    return roots


def get_organization_for(person: Person, pk: int, perm: str | None = None) -> Organization:
    """Fetch an organisation the person may see; 404 otherwise (never reveal it exists);
    checked for `perm` in the same step: 403 when they see it but lack that."""
    try:
        org = organizations_visible_to(person, include_archived=True).get(pk=pk)
    except Organization.DoesNotExist:
        raise Http404 from None
    if perm is not None and not person.has_perm(perm, org):
        raise PermissionDenied
    return org


def people_visible_to(person: Person) -> QuerySet:
    visible = Membership.objects.filter(subtree_q(person, field="organization"))
    return (
        Person.objects.filter(pk__in=visible.values("person_id"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organization").order_by(
                    "organization__path", "role"
                ),
            )
        )
        .order_by("full_name", "username")
    )


def get_person_for(person: Person, pk: int, perm: str | None = None) -> Person:
    """A person the asker may see; 404 otherwise; 403 when seen without `perm`."""
    try:
        found = people_visible_to(person).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if perm is not None and not person.has_perm(perm, found):
        raise PermissionDenied
    return found


def liaisons_by_org(org_ids: list[int]) -> dict[int, Person]:
    """The first liaison of each organisation, in one query."""
    found: dict[int, Person] = {}
    for m in (
        Membership.objects.filter(organization_id__in=org_ids, role=Role.LIAISON)
        .select_related("person")
        .order_by("created_at", "id")
    ):
        found.setdefault(m.organization_id, m.person)
    return found


def liaison_accounts_by_org(org_ids: list[int]) -> dict[int, Membership]:
    """Each organisation's first liaison membership whose person can log in and has a
    mobile number (as a unit import creates them), with the person, in one query."""
    found: dict[int, Membership] = {}
    for m in (
        Membership.objects.filter(
            organization_id__in=org_ids,
            role=Role.LIAISON,
            person__is_active=True,
            person__mobile__isnull=False,
        )
        .select_related("person")
        .order_by("created_at", "id")
    ):
        found.setdefault(m.organization_id, m)
    return found


def latest_import_under(person: Person, org: Organization) -> AuditEntry | None:
    """The latest unit import into `org` or a unit below it that the person sees: its
    `data["organizations"]` are the ids of the units it created."""
    roots = (
        organizations_visible_to(person)
        .filter(path__startswith=org.path)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return (
        AuditEntry.objects.filter(
            action="org.import", target_type="orgs.organization", target_id__in=roots
        )
        .order_by("-at", "-id")
        .first()
    )


@dataclass(frozen=True)
class LoginNameClash:
    """A name two people log in with (old data, from before the login namespace)."""

    name: str
    holder: Person  # has the LoginName row: the name is theirs
    other: Person  # has the name in a field too, but no row


def login_name_clashes() -> list[LoginNameClash]:
    """Every name that is one person's username and another's mobile (for the system
    administrator's check command: not scoped)."""
    names = [
        mobile
        for mobile in Person.objects.filter(mobile__in=Person.objects.values("username"))
        .exclude(username=F("mobile"))
        .values_list("mobile", flat=True)
        if mobile
    ]
    people = list(Person.objects.filter(Q(username__in=names) | Q(mobile__in=names)))
    holders = dict(LoginName.objects.filter(name__in=names).values_list("name", "person_id"))
    clashes = []
    for name in sorted(names):
        pair = sorted(
            (p for p in people if name in (p.username, p.mobile)),
            key=lambda p: (p.pk != holders.get(name), p.pk),
        )
        clashes.append(LoginNameClash(name, pair[0], pair[1]))
    return clashes
