"""The audit log: an append-only hash chain of events, the signed chain heads, and the verifier's results.

Events refer to documents and users by id only, with no foreign key: the log
must outlive the documents it describes (retention, erasure) and no cascade
may ever try to change a row. The database refuses UPDATE and DELETE
(triggers in migration 0001); the model layer refuses them too, so a mistake
in code fails loudly instead of reaching the trigger.
"""
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows are append-only")

    def delete(self):
        raise AppendOnlyError("audit rows are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit rows are append-only")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are append-only")


class AuditEvent(AppendOnlyModel):
    """One decision or sensitive action. Content is never stored: digests, offsets, codes and numbers only."""

    class ActorKind(models.TextChoices):
        USER = "user", "User"
        SYSTEM = "system", "System"

    # Position in the chain, from 1 with no gaps: a missing number is a deleted event.
    seq = models.BigIntegerField(unique=True)
    # Version of the canonical serialisation this row was hashed with.
    format = models.PositiveSmallIntegerField(default=1)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=64, db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    system = models.JSONField(default=dict, blank=True)  # model, version, quantisation, device
    model = models.CharField(max_length=128, blank=True, db_index=True)  # system["model"], for filtering
    document_id = models.UUIDField(null=True, blank=True, db_index=True)
    field = models.CharField(max_length=64, blank=True)
    inputs_sha256 = models.JSONField(default=dict, blank=True)
    prompt_template = models.CharField(max_length=64, blank=True)
    prompt_version = models.CharField(max_length=32, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    validators = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    route = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=32, blank=True, db_index=True)
    latency_ms = models.BigIntegerField(null=True, blank=True)
    tokens = models.BigIntegerField(null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["document_id", "seq"])]

    def __str__(self):
        return f"#{self.seq} {self.kind}"


class ChainSignature(AppendOnlyModel):
    """A signed chain head: proves the chain had ``head_hash`` at ``seq`` when it was signed.

    A copy of each signed head is also appended to a file beside the signing
    key, so that deleting these rows along with a rewrite is detected too.
    """

    signed_at = models.DateTimeField()
    seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=64)  # sha256 of the raw public key
    public_key = models.TextField()  # PEM; informative only, verification uses the key file
    signature = models.CharField(max_length=128)  # base64 Ed25519 over signing.head_message()

    class Meta:
        ordering = ["seq", "signed_at"]

    def __str__(self):
        return f"head #{self.seq} signed {self.signed_at:%Y-%m-%d}"


class ChainCheck(models.Model):
    """The outcome of one verification run; the newest one drives the alarm banner."""

    checked_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    events_checked = models.BigIntegerField(default=0)
    first_broken_seq = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=64, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"
