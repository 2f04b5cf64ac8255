from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "appliance.routing"
    label = "routing"
    verbose_name = "Routing and calibration"
    default_auto_field = "django.db.models.BigAutoField"
