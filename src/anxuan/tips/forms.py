from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from anxuan.orgs.enums import OrgKind
from anxuan.orgs.models import PATH_STEP, Organization
from anxuan.orgs.validators import validate_mobile
from anxuan.tips.enums import Channel, Reexamination, RefusalGround, Sector
from anxuan.tips.evidence import TipEvidenceField
from anxuan.tips.models import NOTE_MAX, TEXT_MAX, Tip, TipRules

PLACE_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWN)


def places() -> "QuerySet[Organization]":
    return Organization.objects.filter(kind__in=PLACE_KINDS, archived=False)


def place_children(parent: Organization | None) -> "QuerySet[Organization]":
    """The regions right below a place (the top regions for None), by name."""
    if parent is None:  # roots that are places, and places right below the other roots
        roots = list(Organization.objects.filter(parent=None).values_list("pk", "kind"))
        found = places().filter(
            Q(pk__in=[pk for pk, kind in roots if kind in PLACE_KINDS])
            | Q(parent_id__in=[pk for pk, kind in roots if kind not in PLACE_KINDS])
        )
    else:
        found = places().filter(parent=parent)
    return found.order_by("name")


class PlaceCascade(forms.Widget):
    """Where a tip is, picked level by level (province → city → county → town) from the
    organisation tree: one select per level, each named `place`, the last one chosen wins.
    The page shows the levels down to the chosen place and the one below it; app.js asks
    tips:places for the next level as one is chosen (without script, a higher level can
    still be chosen, and the tip goes to that level's office)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        chosen = [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else []
        return chosen[-1] if chosen else ""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = places().filter(pk=value).first() if str(value or "").isdigit() else None
        chain: list[Organization | None] = [None]
        if chosen is not None:
            step = PATH_STEP + 1
            prefixes = [chosen.path[:end] for end in range(step, len(chosen.path) + 1, step)]
            chain += list(places().filter(path__in=prefixes).order_by("path"))
        levels = []
        for depth, parent in enumerate(chain):
            options = list(place_children(parent))
            if not options:
                break
            below = chain[depth + 1] if depth + 1 < len(chain) else None
            picked = below.pk if below is not None else None
            levels.append(
                format_html(
                    '<select name="{}" aria-label="{}"><option value="">{}</option>{}</select>',
                    name,
                    _("Region level %(n)s") % {"n": depth + 1},
                    _("— choose —"),
                    format_html_join(
                        "",
                        '<option value="{}"{}>{}</option>',
                        ((o.pk, " selected" if o.pk == picked else "", o.name) for o in options),
                    ),
                )
            )
        return format_html(
            '<div class="place-cascade" id="{}" data-cascade="{}">{}</div>',
            (attrs or {}).get("id", f"id_{name}"),
            reverse("tips:places"),
            format_html_join("", "{}", ((level,) for level in levels)),
        )


class TipForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """A tip as the public sends it: the place from the organisation tree, what and who,
    and optionally a real name and mobile (needed for a reward)."""

    place = forms.ModelChoiceField(
        queryset=places(),
        widget=PlaceCascade,
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
    evidence = TipEvidenceField()
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


class EntryForm(TipForm):
    """A tip taken by office staff on the 12350 hotline, from a letter or at a visit: the
    same fields as the public form, the channel marked, the field of the tip chosen."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.WEB]
    )

    class Meta(TipForm.Meta):
        fields = [*TipForm.Meta.fields, "sector"]
        labels = {"sector": _("Field")}


class AcceptForm(forms.Form):
    sector = forms.ChoiceField(label=_("Field"), choices=Sector.choices)


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=RefusalGround.choices)
    note = forms.CharField(label=_("Note to the reporter"), required=False, max_length=NOTE_MAX)


class TransferForm(forms.Form):
    department = forms.CharField(label=_("Competent department"), max_length=100)
    note = forms.CharField(label=_("Note to the reporter"), required=False, max_length=NOTE_MAX)


class AssignForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office below"), queryset=Organization.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)

    def __init__(self, *args: Any, below: "QuerySet[Organization]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["office"]).queryset = below  # type: ignore[type-arg]


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)


def _text(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX
    )


class CloseForm(forms.Form):
    """The reply's four parts, all required (核查结论, 简要核查情况, 处理决定, 符合奖励条件情况)."""

    conclusion = _text(_("Verification conclusion"))
    findings = _text(_("Verification in brief"))
    decision = _text(_("Handling decision"))
    reward_eligibility = _text(_("Reward eligibility"))


class ReexamineForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Reexamination.choices)
    result = _text(_("Result and reasons"))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Same matter as"), queryset=Tip.objects.none())

    def __init__(self, *args: Any, candidates: "QuerySet[Tip]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["into"]).queryset = candidates  # type: ignore[type-arg]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )


class OwnIds(forms.Form):
    """A form whose field ids start with `id_prefix`, beside other forms on one page."""

    id_prefix = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class EvidenceForm(OwnIds):
    id_prefix = "evidence"
    evidence = TipEvidenceField(required=True)
    note = forms.CharField(label=_("What they show"), required=False, max_length=NOTE_MAX)


class ObjectionForm(OwnIds):
    id_prefix = "objection"

    text = _text(_("What you object to, and why"))


class RecoverForm(forms.Form):
    mobile = forms.CharField(
        label=_("The mobile you gave with the tip"), max_length=11, validators=[validate_mobile]
    )


class RecoverCodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the text message"), max_length=6, min_length=6)


class RulesForm(forms.ModelForm):  # type: ignore[type-arg]  # no stubs_ext at run time
    """A jurisdiction's clocks, the fields it handles and the department for each other
    field (one text box per field, made in __init__)."""

    remit = forms.MultipleChoiceField(
        label=_("Fields handled by the office"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TipRules
        fields = [
            "verify_days",
            "extension_days",
            "reply_days",
            "objection_days",
            "reexam_days",
            "claim_days",
            "soon_days",
            "remit",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = self.instance.departments or {}
        for sector in Sector:
            self.fields[f"department_{sector.value}"] = forms.CharField(
                label=_("Competent department: %(field)s") % {"field": sector.label},
                max_length=100,
                required=False,
                initial=departments.get(sector.value, ""),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        remit = set(data.get("remit") or [])
        departments = {
            s.value: data.get(f"department_{s.value}", "").strip()
            for s in Sector
            if s.value not in remit
        }
        missing = [str(Sector(k).label) for k, v in departments.items() if not v]
        if missing:
            raise forms.ValidationError(
                _("Name the competent department for: %(fields)s.") % {"fields": "、".join(missing)}
            )
        self.instance.departments = departments
        return data
