from django.contrib import admin

from appliance.review.models import FieldCorrection, ReviewLock


@admin.register(ReviewLock)
class ReviewLockAdmin(admin.ModelAdmin):
    list_display = ("document", "reviewer", "taken_at", "expires_at")
    raw_id_fields = ("document",)


@admin.register(FieldCorrection)
class FieldCorrectionAdmin(admin.ModelAdmin):
    """Read-only: the labelled data calibration learns from (values may be personal)."""

    list_display = ("at", "doc_type", "field_name", "action", "confidence", "reviewer")
    list_filter = ("action", "doc_type")
    exclude = ("before", "after")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
