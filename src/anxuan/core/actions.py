"""Buttons that one app's page offers for another app's work (decision 0011).

A page owned by an upstream app (the campaign page in campaigns, the board in rollup)
names a slot; downstream apps register, in their AppConfig.ready(), a provider that says
which actions a person gets there. The page renders the slot with `{% actions %}` and never
names a downstream URL or permission itself, so the layering holds in templates too."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    method: Literal["get", "post"] = "get"
    fields: dict[str, str] = field(default_factory=dict)  # hidden fields of a POST
    button: tuple[str, str] | None = None  # the POST button's own name and value
    style: Literal["primary", "secondary", "small"] = "secondary"
    order: int = 50
    id: str = ""  # an element id, for pages and tests that point at the button


Provider = Callable[[AbstractBaseUser | AnonymousUser, Any, dict[str, Any]], Iterable[Action]]

_providers: dict[str, list[Provider]] = defaultdict(list)


def register(slot: str, provider: Provider) -> None:
    """Offer `provider`'s actions on every page that renders `slot` (once per provider)."""
    if provider not in _providers[slot]:
        _providers[slot].append(provider)


def actions_for(
    slot: str, person: AbstractBaseUser | AnonymousUser, obj: Any, **context: Any
) -> list[Action]:
    """The actions for `person` on `obj` at `slot`, in their order."""
    found = [a for provider in _providers[slot] for a in provider(person, obj, context)]
    return sorted(found, key=lambda a: a.order)
