from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from anxuan.tips.models import Tip

# ModelAdmin is generic only in django-stubs (at run time it needs django-stubs-ext).
if TYPE_CHECKING:
    TipAdminBase = admin.ModelAdmin[Tip]
else:
    TipAdminBase = admin.ModelAdmin


@admin.register(Tip)
class TipAdmin(TipAdminBase):
    """Tips for looking up, read-only: every change goes through the office's pages and
    their services. The sealed identity, the receipt's HMAC, the passphrase hash and the
    reporter key are not among the fields, so not even a superuser sees their tokens."""

    list_display = ["received_at", "category", "target", "office", "channel", "state"]
    list_filter = ["state", "channel", "category"]
    search_fields = ["target", "address"]
    fields = (
        "office",
        "place",
        "address",
        "target",
        "category",
        "sector",
        "seen_on",
        "description",
        "channel",
        "state",
        "identified",
        "received_at",
        "accepted_on",
        "verify_due",
        "closed_on",
        "replied_on",
        "final_on",
        "withdrawn_on",
        "merged_into",
        "exposed",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
