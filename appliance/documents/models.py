"""The documents domain: teams, documents, their pages of evidence text and status history."""
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone


class Team(models.Model):
    """Documents belong to a team; duplicates are recognised within a team."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self):
        return self.name


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")

    def __str__(self):
        return f"{self.user} in {self.team}"


def random_original_name(instance, filename):
    """Originals are stored under random names: the uploaded filename is never a path."""
    suffix = uuid.uuid4().hex
    return str(PurePath("originals", suffix[:2], suffix))


class Document(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        TEXT_EXTRACTED = "text_extracted", "Text extracted"
        DONE = "done", "Done"
        NEEDS_REVIEW = "needs_review", "Needs review"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WEB = "web", "Web upload"
        API = "api", "REST API"
        FOLDER = "folder", "Watched folder"

    # Statuses after which no stage will run again on its own.
    FINAL_STATUSES = (Status.TEXT_EXTRACTED, Status.DONE, Status.NEEDS_REVIEW, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="documents")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="uploaded_documents"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    original_filename = models.CharField(max_length=255, help_text="For display only; never used as a path.")
    original = models.FileField(upload_to=random_original_name, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    failure_code = models.CharField(max_length=50, blank=True)
    failure_reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "sha256"], name="unique_document_per_team"),
            models.UniqueConstraint(
                fields=["uploader", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="unique_idempotency_key_per_uploader",
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]
        permissions = [
            ("view_all_documents", "Can view the documents of every team"),
            ("review_document", "Can review extracted documents"),
        ]

    def __str__(self):
        return f"{self.original_filename} ({self.id})"

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.id])

    @property
    def is_final(self):
        return self.status in self.FINAL_STATUSES

    def move_to(self, status, reason=""):
        """Change status and record it in the history, atomically."""
        now = timezone.now()
        with transaction.atomic():
            self.status = status
            self.status_changed_at = now
            fields = ["status", "status_changed_at"]
            if status == self.Status.FAILED:
                self.failure_reason = reason
                fields.append("failure_reason")
            self.save(update_fields=fields)
            self.history.create(status=status, reason=reason, at=now)

    def fail(self, code, reason):
        """Fail with a human-readable reason; the original stays stored."""
        self.failure_code = code
        self.save(update_fields=["failure_code"])
        self.move_to(self.Status.FAILED, reason)


class StatusChange(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=Document.Status.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class Page(models.Model):
    """One page of the evidence layer: later results point into ``text`` by offsets."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField()
    method = models.CharField(max_length=20, help_text="text_layer, ocr, plain or docx")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_page_number")]
