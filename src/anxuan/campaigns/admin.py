from django.contrib import admin

from anxuan.campaigns.models import Campaign, Indicator, Participant, Requirement


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "year", "starts_on", "ends_on", "archived"]
    list_filter = ["kind", "year", "archived"]
    search_fields = ["title"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "category", "aggregation", "owner", "archived"]
    search_fields = ["name"]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "kind", "schedule"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["organization", "campaign", "liaison_name", "registered_at"]
