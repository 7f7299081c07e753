"""The custodian of reporters' identities (举报人信息保管人) and every look at one: an
office's admin names one person of the office; only that person may reveal the name and
mobile of a tip the office handles, each time with a reason, written to the access log
that the custodian and the offices above read (decision 0023). Nobody else reveals: not
the office's admin, not the level above, not a superuser."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from anxuan.core import audit
from anxuan.orgs.enums import OFFICE_ROLES, Role
from anxuan.orgs.models import Organization, Person
from anxuan.orgs.rules import memberships_of, roles_over
from anxuan.tips import identity
from anxuan.tips.models import Custodian, IdentityAccess, Tip

REASON_MAX = 500  # IdentityAccess.reason's max_length


def works_in(person: Person, office: Organization) -> bool:
    """Whether the person holds an office role in the office itself (not above it)."""
    return any(
        m.organization_id == office.pk and m.role in OFFICE_ROLES for m in memberships_of(person)
    )


def may_name_custodian(person: Person, office: Organization) -> bool:
    """The office's own administrators (and superusers) name its custodian."""
    if getattr(person, "is_superuser", False):
        return True
    return any(
        m.organization_id == office.pk and m.role == Role.OFFICE_ADMIN
        for m in memberships_of(person)
    )


def custodian_of(office: Organization) -> Custodian | None:
    return Custodian.objects.select_related("person", "named_by").filter(office=office).first()


def is_custodian(person: Person, office: Organization) -> bool:
    """Whether the person is the office's custodian and still works in it, active."""
    if not getattr(person, "is_active", False) or not works_in(person, office):
        return False
    return Custodian.objects.filter(office=office, person=person).exists()


def is_above(person: Person, office: Organization) -> bool:
    """Whether the person works in an office above this one (an ancestor), or is a
    superuser."""
    if getattr(person, "is_superuser", False):
        return True
    return any(
        m.role in OFFICE_ROLES
        and m.organization.path != office.path
        and office.path.startswith(m.organization.path)
        for m in memberships_of(person)
    )


def may_read_access_log(person: Person, office: Organization) -> bool:
    """The office's custodian and the offices above it read its access log; the office's
    own handlers do not (they would learn when their colleague looked)."""
    return is_above(person, office) or is_custodian(person, office)


def sees_office(person: Person, office: Organization) -> bool:
    """Whether the office is inside the person's reach at all (else a page of it is 404)."""
    return bool(roles_over(person, office))


def candidates(office: Organization) -> QuerySet[Person]:
    """Who may be named: active people with an office role in the office itself."""
    return (
        Person.objects.filter(
            is_active=True,
            memberships__organization=office,
            memberships__role__in=OFFICE_ROLES,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def accesses_of(office: Organization) -> QuerySet[IdentityAccess]:
    """Every reveal of an identity of the office's tips, newest first."""
    return IdentityAccess.objects.filter(tip__office=office).select_related("person", "tip")


@transaction.atomic
def name_custodian(*, actor: Person, office: Organization, person: Person) -> Custodian:
    """Make `person` the office's custodian, in place of any before. Naming the same person
    again changes nothing.
    Side effects: the Custodian row, an audit row with the change."""
    if not may_name_custodian(actor, office):
        raise PermissionDenied
    if not person.is_active or not works_in(person, office):
        raise ValidationError(
            _("The custodian must be an active member of staff of %(office)s.")
            % {"office": office.name},
            code="not_staff",
        )
    Organization.objects.select_for_update().filter(pk=office.pk).first()  # one naming at once
    custodian = Custodian.objects.filter(office=office).first()
    if custodian is not None and custodian.person_id == person.pk:
        return custodian
    before = audit.snapshot(custodian) if custodian is not None else {}
    if custodian is None:
        custodian = Custodian(office=office)
    custodian.person, custodian.named_by = person, actor
    custodian.full_clean()
    custodian.save()
    audit.record(
        actor=actor,
        action="custodian.name",
        target=custodian,
        summary=f"{office.name}: {person}",
        changes=audit.changes(before, custodian),
    )
    return custodian


@dataclass(frozen=True)
class Revealed:
    """A reporter's identity as the custodian's reveal shows it, with its log row."""

    tip: Tip
    name: str
    mobile: str
    access: IdentityAccess


@transaction.atomic
def reveal_identity(*, actor: Person, tip: Tip, reason: str) -> Revealed:
    """The name and mobile of a tip's reporter, for the custodian of the tip's handling
    office only (PermissionDenied for anyone else), with a reason.
    Side effects: an IdentityAccess row (who, when, why), an audit row naming the access
    but not the identity."""
    if not is_custodian(actor, tip.office):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the identity is needed."), code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("The reason may be at most %(max)d characters.") % {"max": REASON_MAX},
            code="max_length",
        )
    if not tip.identified:
        raise ValidationError(
            _("This tip is anonymous: there is no identity to reveal."), code="anonymous"
        )
    found = identity.unseal(tip.identity)  # a key that cannot open it: nothing was seen
    access = IdentityAccess(tip=tip, person=actor, reason=reason)
    access.full_clean()
    access.save()
    audit.record(
        actor=actor,
        action="tips.reveal",
        target=tip,
        summary=_("Identity revealed (access log #%(n)d)") % {"n": access.pk},
        access=access.pk,
    )
    return Revealed(tip, found.get("name", ""), found.get("mobile", ""), access)
