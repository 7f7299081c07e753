from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
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


class Person(AbstractUser):
    """A person who logs in, by username or mobile number."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile"), max_length=11, null=True, blank=True, unique=True, validators=[validate_mobile]
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


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
