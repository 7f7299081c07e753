"""An API draft becomes the typed draft of the report services (reports.drafts), which hold
it to the same rules as the report page: activity types and domains of the campaign,
indicator values of the requirement, lengths and limits. Their errors already name the
fields as the request does (`values.12`, `activities.0.held_on`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from anxuan.api.errors import ApiError
from anxuan.api.schemas import DraftIn
from anxuan.core.http import query_id
from anxuan.reports.drafts import ActivityDraft, ReportDraft

# Service error keys that the request spells differently.
RENAME = {"period": "period_id"}


def draft_of(payload: DraftIn) -> ReportDraft:
    """The typed draft of the request; a value keyed by anything but an indicator id is a
    400 on that key."""
    unknown = sorted(key for key in payload.values if query_id(key) is None)
    if unknown:
        message = gettext("The requirement does not collect this indicator.")
        raise ApiError(400, "invalid", message, fields={f"values.{k}": [message] for k in unknown})
    return ReportDraft(
        text=payload.text,
        activities=[ActivityDraft(**a.model_dump()) for a in payload.activities],
        values={int(key): value for key, value in payload.values.items()},
        important=payload.important,
    )


@contextmanager
def request_names() -> Iterator[None]:
    """Name a service's field errors as the request names them."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or not set(exc.error_dict) & set(RENAME):
            raise
        raise ValidationError(
            {RENAME.get(key, key): errors for key, errors in exc.error_dict.items()}
        ) from exc
