"""Failed logins, with django-axes: a lockout per account and per address, a cool-off that
doubles with each lockout, and an audit row for every login, failure and lockout.

- Per account: AXES_USERNAME_CALLABLE (`account_key`) turns whatever name was typed, the
  username or the mobile, into the account's username, so both count against one account.
- Per address: AXES_LOCKOUT_PARAMETERS counts the address on its own as well; it locks at
  LOGIN_ADDRESS_FAILURE_LIMIT failures (an office's machines may share one address), the
  account at AXES_FAILURE_LIMIT (`LockoutHandler.get_failures`).
- Growing delay: AXES_COOLOFF_TIME is `cool_off`: LOGIN_COOLOFF_MINUTES, doubled for each
  earlier lockout of the account or the address in the last day (at most a day).
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from anxuan.core.audit import record
from anxuan.core.models import AuditEntry
from anxuan.orgs.auth import people_named
from anxuan.orgs.models import Person

LOCKOUT_ACTION = "login.lockout"
COOL_OFF_MAX = timedelta(days=1)


def _typed(request: HttpRequest | None, credentials: dict | None) -> str:
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = getattr(request, "data", request.POST).get("username")
    return str(name or "").strip()


def _person(name: str) -> Person | None:
    found = people_named(name) if name else []
    return found[0] if len(found) == 1 else None


def account_key(request: HttpRequest | None, credentials: dict | None) -> str:
    """The name failures are counted under: the account's username whichever of its names
    was typed; a name no one (or two people) holds counts as typed."""
    name = _typed(request, credentials)
    known = request.__dict__.setdefault("anxuan_account_keys", {}) if request is not None else {}
    if name not in known:  # axes asks several times per login
        person = _person(name)
        known[name] = person.username if person else name
    return known[name]


def _address(request: HttpRequest | None) -> str:
    return str(getattr(request, "axes_ip_address", None) or "")


def cool_off(request: HttpRequest | None) -> timedelta:
    """How long a lockout lasts: the base, doubled for each lockout of this account or this
    address in the last day beyond the first."""
    base = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    if request is None:
        return base
    key, address = account_key(request, None), _address(request)
    who = Q(data__account=key) if key else Q()
    if address:
        who |= Q(data__address=address)
    if not who:
        return base
    earlier = AuditEntry.objects.filter(
        who, action=LOCKOUT_ACTION, at__gte=timezone.now() - timedelta(days=1)
    ).count()
    return min(base * 2 ** max(earlier - 1, 0), COOL_OFF_MAX)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = int(cool_off(request).total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def _record(request: HttpRequest, action: str, *, name: str, person: Person | None) -> None:
    address = _address(request)
    record(
        actor=person if action == "login.success" else None,
        action=action,
        target=person,
        summary=f"{name} · {address}",
        account=person.username if person else name,
        address=address,
    )


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, counting the address against its own limit and writing the
    audit rows of logins."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures as compared with AXES_FAILURE_LIMIT: the account's, or the address's
        scaled so that LOGIN_ADDRESS_FAILURE_LIMIT of them reach it."""
        counts = [
            sum(attempts.values_list("failures_since_start", flat=True))
            for attempts in self.get_user_attempts(request, credentials)
        ]
        account, address = counts  # in the order of AXES_LOCKOUT_PARAMETERS
        scaled = address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(account, scaled)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        name = _typed(request, credentials)
        if request.axes_failures_since_start is None:
            return  # refused while locked out: no row, so a flood does not fill the log
        person = _person(name)
        _record(request, "login.failure", name=name, person=person)
        if request.axes_locked_out:
            _record(request, LOCKOUT_ACTION, name=name, person=person)

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        _record(request, "login.success", name=_typed(request, None) or user.username, person=user)
