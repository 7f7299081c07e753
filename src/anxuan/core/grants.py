"""Reading rights that one app grants on another app's records (decision 0011, for reads).

An upstream app that scopes a model's reads to a person (reports' submissions, say) asks
here what downstream apps add: each grant, registered in its AppConfig.ready(), gives for
a person a Q over that model's rows. So the assessment app lets the assessors an office
named read the reports of the units they assess, and reports never names an assessor."""

from collections import defaultdict
from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

Grant = Callable[[Any], Q]

_grants: dict[str, list[Grant]] = defaultdict(list)


def register(model: str, grant: Grant) -> None:
    """Let `grant(person)` add rows of `model` (its label, "app_label.Model") to what a
    person reads."""
    if grant not in _grants[model]:
        _grants[model].append(grant)


def granted(model: str, person: Any) -> Q | None:
    """The rows of `model` that downstream apps grant the person; None when none do (an
    anonymous person is granted nothing)."""
    if not getattr(person, "is_authenticated", False) or not _grants[model]:
        return None
    return reduce(or_, (grant(person) for grant in _grants[model]))
