"""The review queue's own records: who is reviewing a document, and what reviewers decided."""
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from appliance.documents.at_rest import EncryptedJSONField

LOCK_MINUTES_DEFAULT = 15


def lock_duration():
    return timedelta(minutes=getattr(settings, "COLONY_REVIEW_LOCK_MINUTES", LOCK_MINUTES_DEFAULT))


class ReviewLock(models.Model):
    """One reviewer at a time per document: taken when the review page opens, renewed on each action,
    released when the review is finished. An expired lock is anybody's to take."""

    document = models.OneToOneField("documents.Document", on_delete=models.CASCADE, related_name="review_lock")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_locks")
    taken_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self):
        return f"{self.document_id} locked by {self.reviewer} until {self.expires_at:%H:%M}"

    @property
    def expired(self):
        return self.expires_at <= timezone.now()

    @classmethod
    def holder(cls, document):
        """The lock on ``document`` if someone holds it now (not expired), else None."""
        lock = cls.objects.select_related("reviewer").filter(document=document).first()
        return lock if lock and not lock.expired else None

    @classmethod
    def acquire(cls, document, user):
        """Take or renew the lock for ``user``. Returns (lock, True) on success, or (the other
        reviewer's lock, False) when someone else holds it."""
        now = timezone.now()
        for _ in range(2):  # a concurrent first taker wins the insert; the loser looks again
            try:
                with transaction.atomic():
                    lock = cls.objects.select_for_update().select_related("reviewer").filter(document=document).first()
                    if lock is None:
                        lock = cls.objects.create(document=document, reviewer=user, taken_at=now,
                                                  expires_at=now + lock_duration())
                        return lock, True
                    if lock.reviewer_id != user.pk and lock.expires_at > now:
                        return lock, False
                    if lock.reviewer_id != user.pk:
                        lock.taken_at = now
                    lock.reviewer = user
                    lock.expires_at = now + lock_duration()
                    lock.save(update_fields=["reviewer", "taken_at", "expires_at"])
                    return lock, True
            except IntegrityError:
                continue
        lock = cls.objects.select_related("reviewer").get(document=document)
        return lock, lock.reviewer_id == user.pk

    @classmethod
    def release(cls, document, user):
        cls.objects.filter(document=document, reviewer=user).delete()


class FieldCorrection(models.Model):
    """A reviewer's decision on one field: the labelled data that confidence calibration reads.

    ``action`` "accepted": the model's value was right (before == after); "corrected": it was
    wrong and ``after`` is the right value; "rejected": it was wrong and there is no value
    (``after`` is None). ``confidence``, ``method`` and ``doc_type`` are the model's decision as
    it stood, kept here because re-extraction replaces the ExtractedField row (``field`` then
    becomes null; ``field_name`` stays). Use ``FieldCorrection.objects.corrections()`` for the
    rows where the model was wrong. When a reviewer decides a field again, the new row still
    holds the model's first decision (before, confidence, method, reasons), so the latest row
    per field is the one to read.
    """

    class Action(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        CORRECTED = "corrected", "Corrected"
        REJECTED = "rejected", "Rejected"

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="field_corrections")
    field = models.ForeignKey("documents.ExtractedField", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="corrections")
    field_name = models.CharField(max_length=100)
    doc_type = models.CharField(max_length=50, blank=True, help_text="The document type's name at the time.")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = EncryptedJSONField(null=True, blank=True, help_text="The value the model gave (encrypted at rest).")
    after = EncryptedJSONField(null=True, blank=True, help_text="The value the reviewer settled on (None: rejected; encrypted at rest).")
    confidence = models.FloatField(null=True, blank=True, help_text="The model's confidence in ``before``.")
    method = models.CharField(max_length=10, blank=True, help_text="How the model decided ``before``.")
    reasons = models.JSONField(default=list, blank=True, help_text="Why the field was escalated.")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="field_corrections")
    at = models.DateTimeField(default=timezone.now)

    class CorrectionQuerySet(models.QuerySet):
        def corrections(self):
            return self.exclude(action="accepted")

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["doc_type", "field_name"])]

    def __str__(self):
        return f"{self.field_name} {self.action} on {self.document_id}"
