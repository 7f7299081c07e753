from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from anxuan.core.models import AuditEntry

# ModelAdmin is generic only in django-stubs (at run time it needs django-stubs-ext).
if TYPE_CHECKING:
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
else:
    AuditEntryAdminBase = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditEntryAdminBase):
    list_display = ["at", "actor", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id"]

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:  # the log is append-only
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
