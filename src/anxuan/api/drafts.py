"""An API draft is validated by the report page's own forms, so a report is held to the same
rules whichever way it arrives: activity types and domains of the campaign, indicator values
of the requirement, lengths and limits."""

from django.utils.translation import gettext

from anxuan.api.errors import ApiError, form_error
from anxuan.api.schemas import DraftIn
from anxuan.campaigns.models import Campaign, Requirement
from anxuan.reports.forms import ActivityFormSet, ReportForm

PREFIX = "act"


def bind(payload: DraftIn, *, requirement: Requirement, campaign: Campaign) -> tuple[dict, bool]:
    """(draft, important) from the request, or a 400 naming the fields at fault as the
    request names them (`values.12`, `activities.0.held_on`)."""
    collected = {str(i.pk) for i in requirement.indicators.all()}
    unknown = sorted(set(payload.values) - collected)
    if unknown:
        message = gettext("The requirement does not collect this indicator.")
        raise ApiError(400, "invalid", message, fields={f"values.{k}": [message] for k in unknown})
    data = {"text": payload.text, "important": "on" if payload.important else ""}
    data |= {f"value_{key}": str(value) for key, value in payload.values.items()}
    form = ReportForm(data, requirement=requirement)
    activities = ActivityFormSet(
        _formset_data(payload),
        prefix=PREFIX,
        form_kwargs={
            "types": list(campaign.activity_types.values_list("name", flat=True)),
            "domains": list(campaign.domains.values_list("name", flat=True)),
        },
    )
    fields: dict[str, list[str]] = {}
    if not form.is_valid():
        fields |= form_error(form, {f"value_{key}": f"values.{key}" for key in collected}).fields
    if not activities.is_valid():
        fields |= _activity_fields(activities)
    if fields:
        raise ApiError(400, "invalid", next(iter(fields.values()))[0], fields=fields)
    draft = {
        **form.draft_part(),
        "activities": [f.as_draft() for f in activities if f.has_changed() and f.cleaned_data],
    }
    return draft, form.cleaned_data.get("important", False)


def _formset_data(payload: DraftIn) -> dict[str, str]:
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(payload.activities)),
        f"{PREFIX}-INITIAL_FORMS": "0",
    }
    for i, activity in enumerate(payload.activities):
        for name, value in activity.model_dump().items():
            data[f"{PREFIX}-{i}-{name}"] = "" if value is None else str(value)
    return data


def _activity_fields(activities) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if activities.non_form_errors():
        fields["activities"] = list(activities.non_form_errors())
    for i, errors in enumerate(activities.errors):
        for name, messages in errors.items():
            fields[f"activities.{i}.{name}"] = list(messages)
    return fields
