from datetime import date, datetime, time
from typing import TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.blueprints import BLUEPRINTS
from anxuan.campaigns.enums import CampaignKind, EvidenceKind, Schedule
from anxuan.campaigns.models import MINIMUM_FIELDS, Campaign, Indicator, Phase, Requirement
from anxuan.core.forms import DateInput, DateTimeInput, TimeInput, lines
from anxuan.orgs.forms import OrgChoiceField
from anxuan.orgs.models import Organization
from anxuan.orgs.validators import validate_mobile

BLANK = "blank"


# What each form hands its service, typed so that mypy checks the `**form.service_kwargs()`
# of a view against the service's keyword-only parameters.
class CampaignFields(TypedDict):
    title: str
    theme: str
    year: int
    starts_on: date
    ends_on: date
    office_name: str
    committee: str
    description: str
    reminder_hours: int
    remind_missed: bool
    webhook_url: str
    robot_secret: str
    activity_types: list[str]
    domains: list[str]
    indicators: list[Indicator]


class PhaseFields(TypedDict):
    name: str
    starts_on: date
    ends_on: date
    description: str
    evidence: list[str]


class RequirementFields(TypedDict):
    kind: str
    title: str
    phase: Phase | None
    schedule: str
    due_at: datetime | None
    weekday: int | None
    due_time: time | None
    repeat_from: date | None
    repeat_until: date | None
    min_photos: int
    min_videos: int
    min_documents: int
    opens_days_early: int
    description: str
    indicators: list[Indicator]


class IndicatorFields(TypedDict):
    name: str
    unit: str
    category: str
    aggregation: str
    description: str


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.name}（{obj.unit}）"


class CampaignCreateForm(forms.Form):
    template = forms.ChoiceField(label=_("Start from"))
    owner = OrgChoiceField(queryset=Organization.objects.none(), label=_("Organised by"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        required=False,
        help_text=_("Only for a blank campaign; templates name it themselves."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    # Offered (as a checkbox) once the office is told it has such a campaign already.
    create_anyway = forms.BooleanField(
        label=_("Create another one anyway"), required=False, widget=forms.HiddenInput()
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        labels = dict(CampaignKind.choices)
        self.fields["template"].choices = [
            *(
                (key, _("Template: %(name)s") % {"name": labels[bp.kind]})
                for key, bp in BLUEPRINTS.items()
            ),
            (BLANK, _("Blank campaign")),
        ]

    def offer_duplicate(self) -> None:
        """Show the "create another one anyway" checkbox."""
        self.fields["create_anyway"].widget = forms.CheckboxInput()

    def clean(self):
        data = super().clean()
        if data.get("template") == BLANK:
            for name in ("title", "starts_on", "ends_on"):
                if not data.get(name):
                    self.add_error(name, _("Required for a blank campaign."))
            if (
                data.get("starts_on")
                and data.get("ends_on")
                and data["ends_on"] < data["starts_on"]
            ):
                self.add_error("ends_on", _("The end is before the start."))
        return data


class CampaignForm(forms.ModelForm):
    activity_types_text = forms.CharField(
        label=_("Activity types"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line."),
    )
    domains_text = forms.CharField(
        label=_("Target domains (七进 / 五进)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    indicator_choices = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        label=_("Statistics indicators"),
    )
    webhook_url = forms.URLField(
        label=Campaign._meta.get_field("webhook_url").verbose_name,
        help_text=Campaign._meta.get_field("webhook_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "theme",
            "year",
            "starts_on",
            "ends_on",
            "office_name",
            "committee",
            "description",
            "reminder_hours",
            "remind_missed",
            "webhook_url",
            "robot_secret",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "committee": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            # Shown to the office that edits it, hidden from whoever looks over its shoulder.
            "robot_secret": forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_choices"].queryset = indicators
        campaign = self.instance
        if campaign.pk and not self.is_bound:
            self.initial["activity_types_text"] = "\n".join(
                campaign.activity_types.values_list("name", flat=True)
            )
            self.initial["domains_text"] = "\n".join(
                campaign.domains.values_list("name", flat=True)
            )
            self.initial["indicator_choices"] = list(
                campaign.indicators.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def service_kwargs(self) -> CampaignFields:
        data = self.cleaned_data
        # The columns keep the order the office gave them; newly ticked ones go last.
        current = (
            self.instance.indicators.order_by("campaignindicator__order").values_list(
                "pk", flat=True
            )
            if self.instance.pk
            else []
        )
        order = {pk: n for n, pk in enumerate(current)}
        chosen = sorted(data["indicator_choices"], key=lambda i: order.get(i.pk, len(order)))
        return CampaignFields(
            title=data["title"],
            theme=data["theme"],
            year=data["year"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            office_name=data["office_name"],
            committee=data["committee"],
            description=data["description"],
            reminder_hours=data["reminder_hours"],
            remind_missed=data["remind_missed"],
            webhook_url=data["webhook_url"],
            robot_secret=data["robot_secret"],
            activity_types=lines(data["activity_types_text"]),
            domains=lines(data["domains_text"]),
            indicators=chosen,
        )


class ColumnsForm(forms.Form):
    """A number per column of the statistics table: the columns go in the numbers' order
    (ties keep their current order)."""

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for n, indicator in enumerate(indicators, 1):
            self.fields[f"order_{indicator.pk}"] = forms.IntegerField(
                label=f"{indicator.name}（{indicator.unit}）", initial=n, min_value=0, max_value=999
            )

    def ordered(self) -> list[Indicator]:
        numbers = {i.pk: self.cleaned_data[f"order_{i.pk}"] for i in self.indicators}
        return sorted(self.indicators, key=lambda i: numbers[i.pk])


class CopyCampaignForm(forms.Form):
    year = forms.IntegerField(label=_("New year"), min_value=2000, max_value=2100)


class PhaseForm(forms.ModelForm):
    evidence = forms.MultipleChoiceField(
        label=_("Evidence kinds"),
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Phase
        fields = ["name", "starts_on", "ends_on", "description", "evidence"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end is before the start."))
        return data

    def service_kwargs(self) -> PhaseFields:
        data = self.cleaned_data
        return PhaseFields(
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            description=data["description"],
            evidence=data["evidence"],
        )


class RequirementForm(forms.ModelForm):
    indicator_choices = IndicatorChoiceField(
        queryset=Indicator.objects.none(),
        required=False,
        label=_("Indicators collected"),
    )

    class Meta:
        model = Requirement
        fields = [
            "kind",
            "title",
            "phase",
            "schedule",
            "due_at",
            "weekday",
            "due_time",
            "repeat_from",
            "repeat_until",
            "opens_days_early",
            "min_photos",
            "min_videos",
            "min_documents",
            "description",
        ]
        widgets = {
            "due_at": DateTimeInput(),
            "due_time": TimeInput(),
            "repeat_from": DateInput(),
            "repeat_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["phase"].queryset = campaign.phases.all()
        self.fields["indicator_choices"].queryset = campaign.indicators.all()
        for name in (*MINIMUM_FIELDS.values(), "opens_days_early"):
            self.fields[name].required = False  # empty: 0, none required
        if self.instance.pk and not self.is_bound:
            self.initial["indicator_choices"] = list(
                self.instance.indicators.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        schedule = data.get("schedule")
        needed = {
            Schedule.ONCE: ("due_at",),
            Schedule.WEEKLY: ("weekday", "due_time", "repeat_from", "repeat_until"),
        }.get(schedule, ())
        for name in needed:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Required for this deadline rule."))
        if schedule == Schedule.WEEKLY:
            first, last = data.get("repeat_from"), data.get("repeat_until")
            if first and last and last < first:
                self.add_error("repeat_until", _("The last day is before the first day."))
            elif first and last and (last - first).days > 366:
                self.add_error("repeat_until", _("A weekly rule spans at most one year."))
        # Keep only the fields the chosen rule uses.
        if schedule != Schedule.ONCE:
            data["due_at"] = None
        if schedule != Schedule.WEEKLY:
            data["weekday"] = data["due_time"] = data["repeat_from"] = data["repeat_until"] = None
        for name in (*MINIMUM_FIELDS.values(), "opens_days_early"):
            data[name] = data.get(name) or 0
        return data

    def service_kwargs(self) -> RequirementFields:
        data = self.cleaned_data
        return RequirementFields(
            kind=data["kind"],
            title=data["title"],
            phase=data["phase"],
            schedule=data["schedule"],
            due_at=data["due_at"],
            weekday=data["weekday"],
            due_time=data["due_time"],
            repeat_from=data["repeat_from"],
            repeat_until=data["repeat_until"],
            min_photos=data["min_photos"],
            min_videos=data["min_videos"],
            min_documents=data["min_documents"],
            opens_days_early=data["opens_days_early"],
            description=data["description"],
            indicators=list(data["indicator_choices"]),
        )


class OrgCheckboxesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} · {obj.get_kind_display()}"


class ParticipantsForm(forms.Form):
    organizations = OrgCheckboxesField(
        queryset=Organization.objects.none(),
        label=_("Units"),
        error_messages={"required": _("Tick at least one unit.")},
    )
    joined_on = forms.DateField(
        label=_("Expected to report from"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the campaign start (or today, if it has started)."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations


class LiaisonForm(forms.Form):
    name = forms.CharField(label=_("Liaison name"), max_length=50)
    title = forms.CharField(label=_("Position"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, validators=[validate_mobile])
    phone = forms.CharField(label=_("Office phone"), max_length=20, required=False)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "category", "aggregation", "description"]

    def validate_unique(self):  # owner is set by the service; the database guards the rest
        pass

    def service_kwargs(self) -> IndicatorFields:
        data = self.cleaned_data
        return IndicatorFields(
            name=data["name"],
            unit=data["unit"],
            category=data["category"],
            aggregation=data["aggregation"],
            description=data["description"],
        )
