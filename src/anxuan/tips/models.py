"""A hazard tip from the public (举报), found again by its receipt code and passphrase."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxuan.orgs.models import Organization
from anxuan.tips.enums import Category, Channel, State

TEXT_MAX = 5000


class Tip(models.Model):
    """What a reporter saw, where and about whom. The receipt code is kept only as an HMAC
    and the passphrase only as a password hash, so neither can be read back; the reporter's
    name and mobile only as a Fernet token (tips.identity)."""

    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    passphrase = models.CharField(max_length=128, editable=False)
    office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="tips",
        verbose_name=_("handling office"),
    )
    place = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    address = models.CharField(_("address"), max_length=200)
    target = models.CharField(_("enterprise or site"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    seen_on = models.DateField(_("when it was seen"), null=True, blank=True)
    description = models.TextField(_("what was seen"), validators=[MaxLengthValidator(TEXT_MAX)])
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    identity = models.BinaryField(blank=True, default=b"", editable=False)
    identified = models.BooleanField(_("real name given"), default=False)
    entered_by = models.ForeignKey(  # the staff member who took a phone, letter or visit tip
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.target}"
