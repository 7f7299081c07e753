from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from anxuan.orgs.models import Membership, Organization, Person


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region_code", "parent", "archived"]
    list_filter = ["kind", "archived"]
    search_fields = ["name", "region_code"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "full_name", "mobile", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "mobile"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            "Anxuan",
            {"fields": ["full_name", "mobile", "must_change_password", "password_changed_at"]},
        ),
    ]
    readonly_fields = ["password_changed_at"]
    inlines = [MembershipInline]
