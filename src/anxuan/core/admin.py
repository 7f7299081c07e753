from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from anxuan.core.audit import described_changes
from anxuan.core.models import AuditEntry

# ModelAdmin is generic only in django-stubs (at run time it needs django-stubs-ext).
if TYPE_CHECKING:
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
else:
    AuditEntryAdminBase = admin.ModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditEntryAdminBase):
    list_display = ["at", "actor", "action", "target_type", "target_id", "summary", "changed"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "target_id"]
    readonly_fields = ["changed"]

    @admin.display(description=_("changes"))
    def changed(self, entry: AuditEntry) -> str:
        """What the change was, field by field: “name: before → after”."""
        return format_html_join(
            mark_safe("<br>"),
            "{}：{} → {}",
            described_changes(entry),
        )

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:  # the log is append-only
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
