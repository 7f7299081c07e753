from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from anxuan.orgs.enums import Role
from anxuan.orgs.models import LOGIN_NAME_TAKEN, LoginName, Organization, Person
from anxuan.orgs.validators import validate_mobile


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "　" * obj.depth + obj.name


class OrganizationForm(forms.ModelForm):
    parent = OrgChoiceField(queryset=Organization.objects.none(), label=_("Parent"))

    class Meta:
        model = Organization
        fields = ["name", "parent", "kind", "region_code"]

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        if self.instance.pk and self.instance.parent_id is None:
            self.fields["parent"].required = False

    def validate_unique(self):  # the service runs full_clean with the final path
        pass


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Unit list (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class PersonCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile"), max_length=11, required=False, validators=[validate_mobile]
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the mobile number."),
    )
    organization = OrgChoiceField(queryset=Organization.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Position"), max_length=50, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        username = data.get("username") or data.get("mobile")
        mobile = data.get("mobile")
        # Usernames and mobiles are one namespace: neither may be anyone's login name yet.
        if not username:
            self.add_error("username", _("Give a username or a mobile number."))
        elif username != mobile and LoginName.objects.filter(name=username).exists():
            self.add_error("username", LOGIN_NAME_TAKEN)
        if mobile and Person.objects.filter(mobile=mobile).exists():
            self.add_error("mobile", _("Another person already uses this mobile number."))
        elif mobile and LoginName.objects.filter(name=mobile).exists():
            self.add_error("mobile", LOGIN_NAME_TAKEN)
        data["username"] = username
        return data


class PersonEditForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "mobile", "is_active"]
        labels = {"is_active": _("Can log in")}


class MembershipForm(forms.Form):
    organization = OrgChoiceField(queryset=Organization.objects.none(), label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=_("Position"), max_length=50, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
