from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "appliance.documents"
    label = "documents"
    verbose_name = "Documents"
