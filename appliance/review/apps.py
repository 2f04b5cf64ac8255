from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "appliance.review"
    label = "review"
    verbose_name = "Review queue"
    default_auto_field = "django.db.models.BigAutoField"
