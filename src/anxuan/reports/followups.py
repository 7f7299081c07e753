"""Work that downstream apps do after a version is submitted (the integrity checks, say).

The submit service calls `queue` itself, inside its transaction: each registered follow-up
gets the version's id once the transaction commits, so that a follow-up only ever sees a
version that exists, and it should do no more than queue a background task (the submit
must not wait for it). Registered from an AppConfig.ready(); reports imports none of them."""

from collections.abc import Callable
from functools import partial

from django.db import transaction

FollowUp = Callable[[int], None]
_followups: dict[str, FollowUp] = {}


def register(name: str, followup: FollowUp) -> None:
    _followups.setdefault(name, followup)


def unregister(name: str) -> None:
    _followups.pop(name, None)


def queue(version_id: int) -> None:
    for followup in list(_followups.values()):
        transaction.on_commit(partial(followup, version_id))
