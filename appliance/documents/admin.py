from django.contrib import admin

from appliance.documents.models import Document, Membership, Page, StatusChange, Team


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["status", "reason", "at"]
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["original_filename", "team", "media_type", "status", "source", "created_at"]
    list_filter = ["status", "source", "media_type", "team"]
    search_fields = ["original_filename", "sha256"]
    readonly_fields = [f.name for f in Document._meta.fields]
    inlines = [StatusChangeInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team"]
    list_filter = ["team"]


admin.site.register(Page, list_display=["document", "number", "method"], readonly_fields=["document", "number", "text", "method"])
