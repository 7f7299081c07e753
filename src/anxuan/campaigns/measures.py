"""Measures: a figure per participant of a campaign that an app computes from its own data,
for whatever scores participants (the assessment) to read without importing that app.

An app registers its measures in its AppConfig.ready; a rubric item names a measure by its
key and sets its parameters. The registry lives here, below every app that offers or reads
a measure (reports, integrity, quiz, assessment), because campaigns owns Participant
(decision 0021).

A measure answers for many participants at once (one query or a few, not one per unit):
{participant id: value}, where a missing participant or None means "no data" (nothing was
reported), which a rubric item may score as 0.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.functional import Promise

from anxuan.campaigns.models import Campaign

ParamKind = Literal["requirement", "activity_type", "domain", "indicator"]
Values = Mapping[int, Decimal | None]


@dataclass(frozen=True)
class Param:
    name: str
    label: str | Promise
    kind: ParamKind
    required: bool = True


@dataclass(frozen=True)
class Query:
    """What a measure is asked: the campaign, its participants, the item's parameters and
    the time to judge at (now while an assessment is open)."""

    campaign: Campaign
    participant_ids: Sequence[int]
    params: Mapping[str, str]
    now: datetime
    # What measures asked in one run may share (the campaign's figures, read once).
    shared: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Measure:
    key: str  # stable, e.g. "reports.days_late"
    label: str | Promise
    unit: str | Promise  # what one of its values counts: 天, 期, 项 …
    params: tuple[Param, ...]
    compute: Callable[[Query], Values]
    help: str | Promise = ""


_measures: dict[str, Measure] = {}


def register(measure: Measure) -> None:
    """Add (or replace, so that a second ready() is harmless) a measure."""
    _measures[measure.key] = measure


def registered() -> list[Measure]:
    """Every measure, in the order registered."""
    return list(_measures.values())


def get(key: str) -> Measure | None:
    return _measures.get(key)
