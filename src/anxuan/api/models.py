"""Personal API tokens and the responses remembered for idempotent retries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal token for `Authorization: Bearer …`. Only its SHA-256 is stored; the raw
    token is shown once, when it is made."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("starts with"), max_length=8)  # to tell tokens apart on screen
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        """Revoked by its owner, or made before the owner's password last changed."""
        changed = self.person.password_changed_at
        return self.revoked_at is not None or (changed is not None and self.created_at < changed)

    @property
    def active(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())


class IdempotencyRecord(models.Model):
    """The response to a request sent with an `Idempotency-Key`: a retry with the same key
    gets this response again instead of acting twice."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request = models.CharField(max_length=255)  # "POST /api/v1/submissions/7/submit"
    fingerprint = models.CharField(max_length=64)  # SHA-256 of what the request asked for
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request} [{self.key}]"
