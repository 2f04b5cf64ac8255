from django.contrib import admin

from appliance.routing.models import CalibrationRun


@admin.register(CalibrationRun)
class CalibrationRunAdmin(admin.ModelAdmin):
    list_display = ("created", "source", "target", "min_samples", "applied")
    list_filter = ("source", "applied")
    readonly_fields = [f.name for f in CalibrationRun._meta.fields]

    def has_add_permission(self, request):
        return False  # runs come from `manage.py calibrate`
