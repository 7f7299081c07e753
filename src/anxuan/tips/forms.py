from django import forms
from django.utils.translation import gettext_lazy as _

from anxuan.orgs.enums import OrgKind
from anxuan.orgs.forms import OrgChoiceField
from anxuan.orgs.models import Organization
from anxuan.orgs.validators import validate_mobile
from anxuan.tips.models import TEXT_MAX, Tip

PLACE_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWN)


class TipForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """A tip as the public sends it: the place from the organisation tree, what and who,
    and optionally a real name and mobile (needed for a reward)."""

    place = OrgChoiceField(
        queryset=Organization.objects.filter(kind__in=PLACE_KINDS, archived=False),
        label=_("Where (county, town or subdistrict)"),
        error_messages={"required": _("Choose where it is.")},
    )
    description = forms.CharField(
        label=_("What was seen"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX,
    )
    seen_on = forms.DateField(
        label=_("When it was seen"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    mobile = forms.CharField(
        label=_("Your mobile (optional)"),
        max_length=11,
        required=False,
        validators=[validate_mobile],
        help_text=_(
            "Only a reporter who can be identified can be rewarded. Name and mobile are "
            "encrypted and seen only by the office's custodian."
        ),
    )
    passphrase = forms.CharField(
        label=_("Passphrase (optional)"),
        required=False,
        min_length=8,
        max_length=64,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("With the receipt code it opens your tip later. Left empty, one is made."),
    )

    class Meta:
        model = Tip
        fields = ["category", "place", "address", "target", "seen_on", "description"]


class FollowForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=32)
    passphrase = forms.CharField(label=_("Passphrase"), max_length=64, widget=forms.PasswordInput)
