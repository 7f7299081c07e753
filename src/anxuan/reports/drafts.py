"""The draft of a report as typed data, whichever way it arrives (the report page's form,
the API's JSON, a service of another app). The models only give the shape and the types;
the rules that depend on the campaign and the requirement (activity types and domains,
indicators, ranges, lengths) are checked by `check` in the report services, so they are
written once.

The stored form (`Submission.draft`) stays the JSON it always was:
{"text": str, "activities": [{"held_on": "YYYY-MM-DD", ...}], "values": {"<id>": "<value>"}}
plus "frozen_as" after a submit."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as ShapeError

from anxuan.campaigns.deadlines import SHANGHAI
from anxuan.campaigns.enums import EvidenceKind
from anxuan.campaigns.models import Campaign, Requirement, evidence_count_text
from anxuan.reports.models import ActivityRecord, Attachment, IndicatorValue

MAX_ACTIVITIES = 50
# The most a liaison may type, on the page and in the API alike: beyond these a figure is
# a slip of the finger (or an attack), and the sums of a province stay exact and far from
# any column's limit (reports.tally.sum_people keeps them safe from older rows too).
MAX_PEOPLE = 100_000_000  # people reached by one activity
MAX_VALUE = Decimal(1_000_000_000)  # one indicator value
# Django's own words (and translations) for these, as the report page's form used them
# before the rules moved here: what a person sees does not change.
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
AT_LEAST = "Ensure this value is greater than or equal to %(limit_value)s."


class ActivityDraft(BaseModel):
    model_config = ConfigDict(frozen=True)

    held_on: date
    activity_type: str = ""  # empty only in a campaign without activity types
    domain: str = ""
    place: str = ""
    people_reached: int = 0
    description: str = ""


class ReportDraft(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = ""
    activities: list[ActivityDraft] = Field(default_factory=list)
    values: dict[int, Decimal] = Field(default_factory=dict)  # indicator id → value
    important: bool = False

    @classmethod
    def from_stored(cls, stored: dict[str, Any], *, important: bool = False) -> "ReportDraft":
        """The draft of `Submission.draft` (or a dict of the same shape); empty values are
        left out. A dict that is not of that shape is a ValidationError on "draft"."""
        values = {
            key: value
            for key, value in (stored.get("values") or {}).items()
            if value not in (None, "")
        }
        try:
            return cls(
                text=stored.get("text") or "",
                activities=stored.get("activities") or [],
                values=values,
                important=important,
            )
        except ShapeError as exc:
            raise ValidationError({"draft": _("The draft is not in a form Anxuan reads.")}) from exc

    def stored(self) -> dict[str, Any]:
        """The JSON kept in `Submission.draft` (without `important`, a column of its own)."""
        return {
            "text": self.text,
            "values": {str(pk): str(value) for pk, value in self.values.items()},
            "activities": [
                {**a.model_dump(), "held_on": a.held_on.isoformat()} for a in self.activities
            ],
        }


def _max_length(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


def _decimal_places() -> int:
    return IndicatorValue._meta.get_field("value").decimal_places


def check(draft: ReportDraft, *, requirement: Requirement, campaign: Campaign) -> None:
    """Refuse a draft that breaks the campaign's or the requirement's rules, with every
    fault keyed as the API names it: `text`, `values.<indicator id>`,
    `activities.<n>.<field>`, `activities`. Raises ValidationError."""
    errors: dict[str, list[str]] = {}
    types = set(campaign.activity_types.values_list("name", flat=True))
    domains = set(campaign.domains.values_list("name", flat=True))
    collected = set(requirement.indicators.values_list("pk", flat=True))
    places = _decimal_places()

    for pk, value in draft.values.items():
        key = f"values.{pk}"
        if pk not in collected:
            errors[key] = [_("The requirement does not collect this indicator.")]
        elif not value.is_finite():
            errors[key] = [_("Enter a number.")]
        elif value < 0:
            errors[key] = [_(AT_LEAST) % {"limit_value": 0}]
        elif -value.as_tuple().exponent > places:  # type: ignore[operator]
            errors[key] = [_("At most %(n)d decimal places.") % {"n": places}]
        elif value > MAX_VALUE:
            errors[key] = [_("At most %(max)s; check the figure.") % {"max": f"{MAX_VALUE:,}"}]

    if len(draft.activities) > MAX_ACTIVITIES:
        errors["activities"] = [_("At most %(n)d activities.") % {"n": MAX_ACTIVITIES}]
    for i, activity in enumerate(draft.activities):
        prefix = f"activities.{i}"
        if not activity.activity_type and not types:
            pass  # the campaign defines no activity types: none is asked for
        elif not activity.activity_type:
            errors[f"{prefix}.activity_type"] = [_("Choose the activity type.")]
        elif activity.activity_type not in types:
            errors[f"{prefix}.activity_type"] = [
                _(NOT_A_CHOICE) % {"value": activity.activity_type}
            ]
        if activity.domain and activity.domain not in domains:
            errors[f"{prefix}.domain"] = [_(NOT_A_CHOICE) % {"value": activity.domain}]
        if activity.people_reached < 0:
            errors[f"{prefix}.people_reached"] = [_(AT_LEAST) % {"limit_value": 0}]
        elif activity.people_reached > MAX_PEOPLE:
            errors[f"{prefix}.people_reached"] = [
                _("At most %(max)s people; check the number.") % {"max": f"{MAX_PEOPLE:,}"}
            ]
        for name in ("place", "description"):
            limit = _max_length(ActivityRecord, name)
            if len(getattr(activity, name)) > limit:
                errors[f"{prefix}.{name}"] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)


def check_held(draft: ReportDraft, *, submitted_at: datetime) -> None:
    """Refuse activities dated after the day of submitting (in Asia/Shanghai): a report says
    what was done, not what is planned. Keyed `activities.<n>.held_on`."""
    today = submitted_at.astimezone(SHANGHAI).date()
    errors = {
        f"activities.{i}.held_on": [
            _("This activity is dated %(day)s, after the day of submitting (%(today)s).")
            % {"day": activity.held_on.isoformat(), "today": today.isoformat()}
        ]
        for i, activity in enumerate(draft.activities)
        if activity.held_on > today
    }
    if errors:
        raise ValidationError(errors)


def evidence_counts(attachments: Iterable[Attachment]) -> dict[str, int]:
    """{evidence kind: how many} of these attachments."""
    return dict(Counter(a.kind for a in attachments))


@dataclass(frozen=True)
class EvidenceNeed:
    """One kind of file a requirement asks for: how many, and how many there are."""

    kind: str
    required: int
    attached: int

    @property
    def label(self) -> str:
        return str(EvidenceKind(self.kind).label)

    @property
    def missing(self) -> int:
        return max(self.required - self.attached, 0)


def evidence_needs(requirement: Requirement, counts: dict[str, int]) -> list[EvidenceNeed]:
    """What the requirement asks to attach, beside what is attached (`evidence_counts`)."""
    return [
        EvidenceNeed(kind, required, counts.get(kind, 0))
        for kind, required in requirement.evidence_minimums.items()
    ]


def check_evidence(requirement: Requirement, counts: dict[str, int]) -> None:
    """Refuse a submit whose attachments fall short of the requirement's minimums, naming
    every shortfall ("还缺 1 个音视频、2 张图片"), keyed `attachments`."""
    short = [n for n in evidence_needs(requirement, counts) if n.missing]
    if short:
        what = "、".join(evidence_count_text(n.kind, n.missing) for n in short)
        raise ValidationError(
            {"attachments": _("Still missing %(what)s: attach them, then submit.") % {"what": what}}
        )
