from django.contrib import admin

from anxuan.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """For looking up whose token a prefix is. Tokens are made and revoked by their owners
    (through the service, with an audit row); disabling a person stops their tokens."""

    list_display = [
        "prefix",
        "name",
        "person",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "person__username", "person__full_name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
