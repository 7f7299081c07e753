from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Requirement
from anxuan.core.files import inspect_upload
from anxuan.core.forms import DateInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once; each is checked by content (type, size, pixels) here, before
    anything is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": "image/*,video/*,.heic,.pdf,.docx,.xlsx",
                    "multiple": True,
                }
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked, errors = [], []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                checked.append((upload, upload.name, inspect_upload(upload, upload.name)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What your unit did"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    files = EvidenceField(
        label=_("Photos, videos and documents"),
        required=False,
        help_text=_(
            "Photos (JPEG, PNG, HEIC) up to 20 MB, videos (MP4, MOV) up to 500 MB, "
            "documents (PDF, DOCX, XLSX) up to 50 MB."
        ),
    )
    important = forms.BooleanField(label=_("Important: tell the office at once"), required=False)

    def __init__(self, *args, requirement: Requirement, **kwargs):
        super().__init__(*args, **kwargs)
        if requirement.schedule != Schedule.ANYTIME:
            del self.fields["important"]
        self.indicators = list(requirement.indicators.all())
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name}（{indicator.unit}）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
            )

    def value_fields(self):
        return [self[f"value_{i.pk}"] for i in self.indicators]

    def draft_part(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "values": {
                str(i.pk): str(data[f"value_{i.pk}"])
                for i in self.indicators
                if data[f"value_{i.pk}"] is not None
            },
        }


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    activity_type = forms.ChoiceField(label=_("Activity type"))
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, initial=0)
    description = forms.CharField(label=_("What happened"), max_length=300, required=False)

    def __init__(self, *args, types: list[str], domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].choices = [("", "—"), *((t, t) for t in types)]
        self.fields["domain"].choices = [("", "—"), *((d, d) for d in domains)]

    def as_draft(self) -> dict:
        data = dict(self.cleaned_data)
        data["held_on"] = data["held_on"].isoformat()
        return data


ActivityFormSet = forms.formset_factory(ActivityForm, extra=2, max_num=50, validate_max=True)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
