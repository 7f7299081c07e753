"""The initial passwords of an import's new accounts, held for the importing person to
print or download: in their own session only, for one working day at most (decision 0013).

Nothing else keeps a password in clear: the account stores only its hash. The session
entry goes when the person forgets it, logs out, or KEEP has passed (checked on every read,
and removed from the stored session by the worker even if the person never comes back).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from anxuan.orgs.importing import NewAccount
from anxuan.orgs.models import Organization, Person

SESSION_KEY = "org_import_sheets"
KEEP = timedelta(hours=8)


@dataclass(frozen=True)
class Sheet:
    token: str
    root_id: int
    made_at: datetime
    until: datetime
    accounts: list[NewAccount]


def _entries(session: SessionBase) -> dict[str, dict]:
    """The session's sheets, without the expired ones (dropped from the session here)."""
    entries: dict[str, dict] = session.get(SESSION_KEY, {})
    now = timezone.now()
    alive = {t: e for t, e in entries.items() if datetime.fromisoformat(e["until"]) > now}
    if alive != entries:
        _store(session, alive)
    return alive


def _store(session: SessionBase, entries: dict[str, dict]) -> None:
    if entries:
        session[SESSION_KEY] = entries
    else:
        session.pop(SESSION_KEY, None)
    session.modified = True


def keep_sheet(
    session: SessionBase, *, actor: Person, root: Organization, accounts: list[NewAccount]
) -> str:
    """Hold the accounts of one import in the importing person's session; returns the
    sheet's token (its address). Side effect: the worker forgets it after KEEP."""
    from anxuan.orgs.tasks import forget_password_sheet

    token = secrets.token_urlsafe(16)
    now = timezone.now()
    entries = _entries(session)
    entries[token] = {
        "actor": actor.pk,
        "root": root.pk,
        "made_at": now.isoformat(),
        "until": (now + KEEP).isoformat(),
        "accounts": [list(a) for a in accounts],
    }
    _store(session, entries)
    session.save()  # a new session has no key before its first save
    forget_password_sheet.schedule(args=(session.session_key, token), delay=KEEP)
    return token


def find_sheet(
    session: SessionBase, token: str, *, actor: Person, root: Organization
) -> Sheet | None:
    """The sheet with this token if this session holds it, for this person and unit, and
    it has not expired; None otherwise."""
    entry = _entries(session).get(token)
    if entry is None or entry["actor"] != actor.pk or entry["root"] != root.pk:
        return None
    return Sheet(
        token=token,
        root_id=entry["root"],
        made_at=datetime.fromisoformat(entry["made_at"]),
        until=datetime.fromisoformat(entry["until"]),
        accounts=[NewAccount(*a) for a in entry["accounts"]],
    )


def forget_sheet(session: SessionBase, token: str) -> None:
    entries = _entries(session)
    if entries.pop(token, None) is not None:
        _store(session, entries)


def forget_stored_sheet(session_key: str, token: str) -> None:
    """Remove a sheet from a stored session, whether or not its person is still about
    (the worker's side of KEEP). Safe to run twice; a session gone already is left alone."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if not store.exists(session_key):
        return
    forget_sheet(store, token)
    if store.modified:
        store.save(must_create=False)
