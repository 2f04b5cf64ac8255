from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "appliance.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        from appliance.documents.doctypes import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="documents.sync_default_types")
