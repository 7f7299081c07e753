"""Forms of the integrity pages: the office's rules, figure bounds, unit places and shared
materials. Every number the checks use is set here, never in code."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anxuan.campaigns.models import Campaign, Indicator, Participant
from anxuan.core import files
from anxuan.integrity.models import MAX_RADIUS, Rules, UnitPlace
from anxuan.reports.services import Upload


class RulesForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """The thresholds of one campaign's checks, with what each one means."""

    class Meta:
        model = Rules
        fields = [
            "photo_radius",
            "video_frames",
            "text_similarity",
            "date_tolerance_days",
            "activity_tolerance_days",
            "distance_km",
            "same_figures_periods",
            "reach_multiple",
            "shared_text",
        ]
        labels = {
            "photo_radius": _("Photo match distance"),
            "video_frames": _("Matching frames of a reused video"),
            "text_similarity": _("Text similarity of a copy"),
            "date_tolerance_days": _("Days a photo may lie outside the campaign"),
            "activity_tolerance_days": _("Days a photo may lie from its activity"),
            "distance_km": _("Kilometres a photo may lie from the unit"),
            "same_figures_periods": _("Periods in a row with the same figures"),
            "reach_multiple": _("People reached, as a multiple of the population"),
            "shared_text": _("Passages every unit may repeat"),
        }
        help_texts = {
            "video_frames": _(
                "1 to 50. A video is reused when at least this many of its frames match "
                "another video's; a few similar frames (a black screen, a title) prove nothing."
            ),
            "text_similarity": _(
                "0.70 to 1.00. Two texts at least this similar, after the official wording "
                "is taken out, are flagged as copied. 1.00 flags word-for-word copies only."
            ),
            "date_tolerance_days": _(
                "0 to 365. A photo taken more than this many days before the campaign starts "
                "or after it ends is flagged (an old photo reused)."
            ),
            "activity_tolerance_days": _(
                "0 to 365. A photo taken more than this many days from every activity "
                "date of its report is flagged for a look."
            ),
            "distance_km": _(
                "1 to 5000. A photo whose GPS position is farther than this from the unit's "
                "place (below) is flagged. Units without a place are not checked."
            ),
            "same_figures_periods": _(
                "2 to 52. This many periods in a row with exactly the same figures are "
                "flagged (figures copied forward)."
            ),
            "reach_multiple": _(
                "1 to 1000. A report whose people reached exceed this many times the "
                "unit's population (below) is flagged."
            ),
            "shared_text": _(
                "One passage a line: slogans and official wording every unit may repeat. "
                "They are taken out of texts before texts are compared."
            ),
        }
        error_messages = {
            "text_similarity": {
                "min_value": _(
                    "The text similarity is 0.70 to 1.00: below 0.70 ordinary reports "
                    "on the same theme would all look copied."
                ),
                "max_value": _("The text similarity is at most 1.00."),
            },
        }
        widgets = {"shared_text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radius = self.fields["photo_radius"]
        radius.help_text = gettext(
            "0 to %(max)d. Two photos whose fingerprints differ in at most this many of "
            "64 bits are compared pixel by pixel, and flagged when they show one picture. "
            "Smaller finds only near-identical copies; larger also finds cropped and "
            "retouched ones, and takes longer."
        ) % {"max": MAX_RADIUS}
        radius.error_messages["max_value"] = gettext(
            "The photo match distance is 0 to %(max)d bits."
        ) % {"max": MAX_RADIUS}


class IndicatorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.name}（{obj.unit}）"


class BoundForm(forms.Form):
    """One "X may not exceed Y" between two of the campaign's indicators."""

    lesser = IndicatorChoice(queryset=Indicator.objects.none(), label=_("Indicator"))
    greater = IndicatorChoice(queryset=Indicator.objects.none(), label=_("may not exceed"))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicators = campaign.indicators.order_by("category", "pk")
        self.fields["lesser"].queryset = indicators  # type: ignore[attr-defined]
        self.fields["greater"].queryset = indicators  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lesser") and data.get("lesser") == data.get("greater"):
            raise ValidationError(_("Choose two different indicators."))
        return data


LATITUDE = _("Latitude is a number from -90 to 90, such as 39.37.")
LONGITUDE = _("Longitude is a number from -180 to 180, such as 99.82.")
POPULATION = _("Population is a whole number of people, 0 or more.")


class PlacesForm(forms.Form):
    """Latitude, longitude and population of each unit of a campaign, in one table."""

    def __init__(self, *args: Any, participants: list[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Participant, list[forms.BoundField]]] = []
        for p in participants:
            key = p.organization_id
            self.fields[f"lat_{key}"] = forms.FloatField(
                required=False,
                min_value=-90,
                max_value=90,
                label=_("latitude"),
                error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), LATITUDE),
            )
            self.fields[f"lon_{key}"] = forms.FloatField(
                required=False,
                min_value=-180,
                max_value=180,
                label=_("longitude"),
                error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), LONGITUDE),
            )
            self.fields[f"pop_{key}"] = forms.IntegerField(
                required=False,
                min_value=0,
                label=_("population"),
                error_messages=dict.fromkeys(("invalid", "min_value"), POPULATION),
            )
            self.rows.append((p, [self[f"{f}_{key}"] for f in ("lat", "lon", "pop")]))

    @staticmethod
    def initial_for(places: list[UnitPlace]) -> dict[str, object]:
        initial: dict[str, object] = {}
        for place in places:
            key = place.organization_id
            initial |= {
                f"lat_{key}": place.latitude,
                f"lon_{key}": place.longitude,
                f"pop_{key}": place.population,
            }
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for p, _fields in self.rows:
            key = p.organization_id
            lat, lon = data.get(f"lat_{key}"), data.get(f"lon_{key}")
            if f"lat_{key}" in data and f"lon_{key}" in data and (lat is None) != (lon is None):
                self.add_error(
                    f"lat_{key}" if lat is None else f"lon_{key}",
                    _("Give both latitude and longitude, or neither."),
                )
        return data

    def places(self) -> dict[int, tuple[float | None, float | None, int | None]]:
        data = self.cleaned_data
        return {
            p.organization_id: (
                data[f"lat_{p.organization_id}"],
                data[f"lon_{p.organization_id}"],
                data[f"pop_{p.organization_id}"],
            )
            for p, _fields in self.rows
        }


class MaterialForm(forms.Form):
    """A poster, photo or video with its title, or a pasted text."""

    title = forms.CharField(label=_("title"), max_length=120)
    file = forms.FileField(
        label=_("Poster, photo or video"),
        required=False,
        help_text=_("JPEG, PNG, HEIC, MP4 or MOV. Leave empty to share a text only."),
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Official wording units may repeat; it is not counted as copying."),
    )

    def clean_file(self) -> Upload | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            inspected = files.inspect_upload(upload, upload.name)
        except ValidationError as exc:  # too large, damaged: said as it is
            if exc.code != files.UNSUPPORTED_TYPE:
                raise
            inspected = None
        if inspected is None or inspected.kind not in (files.PHOTO, files.VIDEO):
            raise ValidationError(
                _(
                    "“%(name)s” is not a photo or a video. A shared material is a poster or "
                    "photo (JPEG, PNG, HEIC), a video (MP4, MOV), or a pasted text."
                )
                % {"name": files.clean_file_name(upload.name)}
            )
        return (upload, upload.name, inspected)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError(_("Upload a file or paste the text."))
        return data
