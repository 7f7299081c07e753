from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.enums import Schedule
from anxuan.campaigns.models import Requirement
from anxuan.core.files import inspect_upload
from anxuan.core.forms import DateInput
from anxuan.reports.drafts import ActivityDraft, ReportDraft


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
    """The report page's form. It parses what the browser sends (dates, numbers); the rules
    of the draft itself are the report services' (reports.drafts.check), so the page and the
    API refuse the same things with the same messages."""

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
    # One-time token of a form that starts an ad-hoc item: sent twice, it makes one report.
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, requirement: Requirement, **kwargs):
        super().__init__(*args, **kwargs)
        if requirement.schedule != Schedule.ANYTIME:
            del self.fields["important"]
        self.indicators = list(requirement.indicators.all())
        for indicator in self.indicators:
            self.fields[value_field(indicator.pk)] = forms.DecimalField(
                label=f"{indicator.name}（{indicator.unit}）",
                required=False,
                widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
            )

    def value_fields(self):
        return [self[value_field(i.pk)] for i in self.indicators]

    def draft(self, activities: list[ActivityDraft]) -> ReportDraft:
        """The typed draft of the cleaned form and the activity rows."""
        data = self.cleaned_data
        return ReportDraft(
            text=data["text"],
            activities=activities,
            values={
                i.pk: data[value_field(i.pk)]
                for i in self.indicators
                if data[value_field(i.pk)] is not None
            },
            important=data.get("important", False),
        )


def value_field(indicator_id: int | str) -> str:
    return f"value_{indicator_id}"


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    activity_type = forms.CharField(label=_("Activity type"), widget=forms.Select)
    domain = forms.CharField(label=_("Domain"), required=False, widget=forms.Select)
    place = forms.CharField(
        label=_("Place"), required=False, widget=forms.TextInput(attrs={"maxlength": "100"})
    )
    people_reached = forms.IntegerField(
        label=_("People reached"), initial=0, widget=forms.NumberInput(attrs={"min": "0"})
    )
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "300"}),
    )

    def __init__(self, *args, types: list[str], domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if not types:  # a campaign without activity types asks for none
            del self.fields["activity_type"]
        else:
            self.fields["activity_type"].widget.choices = [("", "—"), *((t, t) for t in types)]
        self.fields["domain"].widget.choices = [("", "—"), *((d, d) for d in domains)]

    def as_draft(self) -> ActivityDraft:
        return ActivityDraft(**self.cleaned_data)


class BaseActivityFormSet(forms.BaseFormSet):
    def filled(self) -> list[ActivityForm]:
        """The rows the person filled in, in the order of the draft's activities."""
        return [f for f in self.forms if f.has_changed() and f.cleaned_data]


ActivityFormSet = forms.formset_factory(
    ActivityForm, formset=BaseActivityFormSet, extra=2, max_num=50, validate_max=True
)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
