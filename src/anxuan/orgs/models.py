from collections.abc import Collection

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxuan.orgs.enums import OrgKind, Role
from anxuan.orgs.validators import validate_mobile, validate_region_code

PATH_STEP = 8  # characters of the materialised path per level: zero-padded id


class Organization(models.Model):
    """A node of the tree: a region (nation ... town) or a unit (department, enterprise ...)."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    region_code = models.CharField(
        _("region code"), max_length=12, null=True, blank=True, validators=[validate_region_code]
    )
    # "00000001/00000007/": ids of the ancestors and itself; a subtree is a prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["region_code"],
                condition=Q(region_code__isnull=False),
                name="org_unique_region_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:org_detail", args=[self.pk])

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1) - 1


LOGIN_NAME_TAKEN = _("This login name or mobile number is already in use.")


class Person(AbstractUser):
    """A person who logs in, by username or mobile number. Both are login names, in one
    namespace that LoginName keeps unique: every save brings the person's rows in step."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=11, null=True, blank=True, unique=True, validators=[validate_mobile]
    )
    # Set where an initial password is made for someone (an office, an import, a reset);
    # cleared when the person chooses their own. Pages wait until then.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # When the password last changed; API tokens made before it no longer work.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def login_names(self) -> set[str]:
        return {name for name in (self.username, self.mobile) if name}

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        """Django's unique checks, and that neither login name is another person's."""
        errors: dict = {}
        try:
            super().validate_unique(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        skip = set(exclude or ())
        for field in ("username", "mobile"):
            value = getattr(self, field)
            if field in skip or field in errors or not value:
                continue
            if LoginName.objects.filter(name=value).exclude(person_id=self.pk).exists():
                errors[field] = [ValidationError(LOGIN_NAME_TAKEN, code="login_name_taken")]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        """Save, keep the login names in step, and note when an existing person's password
        changes (set_password leaves `_password` set; a hash upgrade at login clears it)."""
        update_fields = kwargs.get("update_fields")
        if getattr(self, "_password", None) is not None and not self._state.adding:
            self.password_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = update_fields = {*update_fields, "password_changed_at"}
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
                if update_fields is None or {"username", "mobile"} & set(update_fields):
                    sync_login_names([self])
        except IntegrityError as exc:  # a concurrent save took a name after full_clean
            raise ValidationError(LOGIN_NAME_TAKEN, code="login_name_taken") from exc


class LoginName(models.Model):
    """A name someone logs in with: a person's username or mobile number. The unique `name`
    makes the two one namespace, in the database: no one's username can be another's mobile."""

    name = models.CharField(_("login name"), max_length=150, unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="login_name_rows", verbose_name=_("person")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("login name")
        verbose_name_plural = _("login names")

    def __str__(self) -> str:
        return self.name


def sync_login_names(people: list[Person]) -> None:
    """Make the LoginName rows of saved people match their username and mobile (people made
    with bulk_create need this call). Raises IntegrityError if a name is someone else's."""
    ids = [p.pk for p in people]
    held: dict[int, set[str]] = {pk: set() for pk in ids}
    for pk, name in LoginName.objects.filter(person_id__in=ids).values_list("person_id", "name"):
        held[pk].add(name)
    stale = Q()
    new = []
    for person in people:
        wanted = person.login_names()
        if held[person.pk] - wanted:
            stale |= Q(person_id=person.pk, name__in=held[person.pk] - wanted)
        new += [LoginName(name=n, person_id=person.pk) for n in sorted(wanted - held[person.pk])]
    if stale:
        LoginName.objects.filter(stale).delete()
    LoginName.objects.bulk_create(new)


class Membership(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("position"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__path", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organization} · {self.get_role_display()}"
