from django.contrib import admin

from anxuan.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "campaign", "requested_by", "state", "created_at", "size"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]
