"""Forms of the rubric pages. Every number of an office's rubric (points, deductions per day
or period, caps, tiers) and what an item is computed from is set here, never in code."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anxuan.assessment.models import Award, Item, RankGroup, Rubric, Section
from anxuan.assessment.services import TIERS, item_problems
from anxuan.campaigns import measures
from anxuan.campaigns.models import Campaign, Participant
from anxuan.campaigns.selectors import participants_of
from anxuan.core.forms import DateInput
from anxuan.orgs.enums import OrgKind
from anxuan.orgs.models import Person
from anxuan.orgs.selectors import people_visible_to
from anxuan.reports.forms import EvidenceField, MultipleFileInput

# The measure parameter each kind is chosen with, and where its choices come from.
PARAM_FIELDS = ("requirement", "activity_type", "domain", "indicator")


class RubricForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    tie_breaker = forms.TypedChoiceField(
        label=_("equal totals are ranked by the subtotal of"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    class Meta:
        model = Rubric
        fields = ["title", "total_points", "self_scores_until", "disagreement"]
        widgets = {"self_scores_until": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rubric: Rubric = self.instance
        self.fields["tie_breaker"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (s.pk, s.title) for s in rubric.sections.all()
        ]
        self.initial["tie_breaker"] = (rubric.tie_breakers or [None])[0]

    def save(self, commit: bool = True) -> Rubric:
        rubric: Rubric = super().save(commit=False)
        chosen = self.cleaned_data.get("tie_breaker")
        rubric.tie_breakers = [chosen] if chosen else []
        if commit:
            rubric.save()
        return rubric


class SectionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Section
        fields = ["title", "order"]


class ItemForm(forms.ModelForm):  # type: ignore[type-arg]
    """One row of the scoring table with its rule's parameters; what the rule needs is
    checked here (services.item_problems), so that no half-set item is saved."""

    measure = forms.ChoiceField(label=_("computed from"), required=False)
    requirement = forms.TypedChoiceField(
        label=_("requirement"), required=False, coerce=int, empty_value=None
    )
    activity_type = forms.ChoiceField(label=_("activity type"), required=False)
    domain = forms.ChoiceField(label=_("domain"), required=False)
    indicator = forms.TypedChoiceField(
        label=_("indicator"), required=False, coerce=int, empty_value=None
    )
    tier_1 = forms.DecimalField(label=_("lost at 1"), required=False, min_value=0, decimal_places=1)
    tier_2 = forms.DecimalField(label=_("lost at 2"), required=False, min_value=0, decimal_places=1)
    tier_3 = forms.DecimalField(label=_("lost at 3"), required=False, min_value=0, decimal_places=1)
    tier_4 = forms.DecimalField(
        label=_("lost at 4 or more"), required=False, min_value=0, decimal_places=1
    )

    class Meta:
        model = Item
        fields = [
            "section",
            "order",
            "title",
            "criterion",
            "max_points",
            "rule",
            "per_unit",
            "cap",
            "evidence",
            "zero_if_no_data",
            "zero_if_no_document",
            "zero_if_late",
        ]
        widgets = {
            "criterion": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["section"].queryset = Section.objects.filter(rubric__campaign=campaign)  # type: ignore[attr-defined]
        blank = [("", "—")]
        self.fields["measure"].choices = blank + [  # type: ignore[attr-defined]
            (m.key, m.label) for m in measures.registered()
        ]
        self.fields["requirement"].choices = blank + [  # type: ignore[attr-defined]
            (r.pk, r.title) for r in campaign.requirements.order_by("order", "pk")
        ]
        self.fields["activity_type"].choices = blank + [  # type: ignore[attr-defined]
            (t, t) for t in campaign.activity_types.values_list("name", flat=True)
        ]
        self.fields["domain"].choices = blank + [  # type: ignore[attr-defined]
            (d, d) for d in campaign.domains.values_list("name", flat=True)
        ]
        self.fields["indicator"].choices = blank + [  # type: ignore[attr-defined]
            (i.pk, i.name) for i in campaign.indicators.order_by("campaignindicator__order")
        ]
        item: Item = self.instance
        if item.pk:
            self.initial["measure"] = item.measure
            for name in PARAM_FIELDS:
                self.initial[name] = item.measure_params.get(name)
            for n, lost in enumerate(item.tiers or [], start=1):
                self.initial[f"tier_{n}"] = lost

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item: Item = self.instance
        item.measure = data.get("measure") or ""
        measure = measures.get(item.measure)
        wanted = {p.name for p in measure.params} if measure else set()
        item.measure_params = {
            name: data[name] for name in PARAM_FIELDS if name in wanted and data.get(name)
        }
        tiers = [data.get(f"tier_{n}") for n in range(1, TIERS + 1)]
        item.tiers = (
            [float(t) for t in tiers if t is not None] if any(t is not None for t in tiers) else []
        )
        for name in ("max_points", "per_unit", "cap", "rule"):
            if name in data:
                setattr(item, name, data[name])
        for name in ("zero_if_late", "zero_if_no_document", "zero_if_no_data"):
            setattr(item, name, bool(data.get(name)))
        if item.cap is not None and item.max_points is not None and item.cap > item.max_points:
            self.add_error("cap", _("“At most” may not be above the item's points."))
        if not self.errors:
            requirements = set(self.campaign.requirements.values_list("pk", flat=True))
            found = item_problems(item, requirements)
            if found:
                raise ValidationError(found)
        return data


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    kinds = forms.MultipleChoiceField(
        label=_("kinds of unit"),
        choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = RankGroup
        fields = ["name", "kinds", "order"]


class AwardForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Award
        fields = ["group", "title", "quota", "section"]

    def __init__(self, *args: Any, rubric: Rubric, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = rubric.groups.all()  # type: ignore[attr-defined]
        self.fields["section"].queryset = rubric.sections.all()  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    objections_until = forms.DateTimeField(
        label=_("objections until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    others_totals = forms.BooleanField(label=_("units see the others' totals"), required=False)


class AssessorForm(forms.Form):
    """Name an assessor by the account they log in with, for every unit or some."""

    account = forms.CharField(
        label=_("assessor's username or mobile number"),
        max_length=150,
        help_text=_("Someone in an organisation of the office's."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("units"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every unit."),
    )

    def __init__(self, *args: Any, actor: Person, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        units = participants_of(campaign).order_by("organization__path")
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["units"].label_from_instance = lambda p: p.organization.name  # type: ignore[attr-defined]

    def clean_account(self) -> Person:
        name = self.cleaned_data["account"].strip()
        person: Person | None = (
            people_visible_to(self.actor).filter(login_name_rows__name=name, is_active=True).first()
        )
        if person is None:
            raise ValidationError(_("No one with that account in the office's organisations."))
        return person


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("day of the visit"), widget=DateInput())
    visitors = forms.CharField(
        label=_("who went"), max_length=200, help_text=_("e.g. 县安委办督导组 张明、李华")
    )
    findings = forms.CharField(
        label=_("findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # reports.forms has no type hints yet
    photos = EvidenceField(  # type: ignore[no-untyped-call]
        label=_("photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,.heic", "multiple": True}),
    )
