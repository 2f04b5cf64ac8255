"""Read-only admin views of the audit tables: the log is changed by nobody, not even an admin."""
from django.contrib import admin

from audit.models import AuditEvent, ChainCheck, ChainSignature


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "kind", "actor_kind", "actor_user_id", "model", "document_id", "field", "outcome"]
    list_filter = ["kind", "actor_kind", "outcome"]
    search_fields = ["=hash", "kind", "model"]


@admin.register(ChainSignature)
class ChainSignatureAdmin(ReadOnlyAdmin):
    list_display = ["seq", "signed_at", "key_id", "head_hash"]


@admin.register(ChainCheck)
class ChainCheckAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "ok", "events_checked", "first_broken_seq", "problem"]
