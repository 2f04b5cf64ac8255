"""The documents domain: teams, documents, their pages of evidence text and status history."""
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from appliance.documents.at_rest import EncryptedJSONField, EncryptedTextField
from extraction.validation.decision import FieldStatus


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
        PII_REDACTED = "pii_redacted", "PII redacted"
        CLASSIFIED = "classified", "Classified"
        DONE = "done", "Done"
        NEEDS_REVIEW = "needs_review", "Needs review"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WEB = "web", "Web upload"
        API = "api", "REST API"
        FOLDER = "folder", "Watched folder"

    # Statuses after which no stage will run again on its own.
    FINAL_STATUSES = (Status.DONE, Status.NEEDS_REVIEW, Status.FAILED)

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
    doc_type = models.ForeignKey(
        "DocumentType", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    doc_type_confidence = models.FloatField(null=True, blank=True)
    classification = models.JSONField(default=dict, blank=True, help_text="Scores per type and the method used.")
    review_reasons = models.JSONField(default=list, blank=True)
    pii_spans = models.JSONField(
        default=list, blank=True, help_text='Detected personal data: [{"page", "start", "end", "type", "placeholder"}].'
    )
    pii_vault = models.BinaryField(null=True, blank=True, help_text="Placeholder -> original value, encrypted.")

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
            ("reveal_pii", "Can reveal the personal data behind redactions"),
        ]

    def __str__(self):
        return f"{self.original_filename} ({self.id})"

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.id])

    @property
    def is_final(self):
        return self.status in self.FINAL_STATUSES

    def move_to(self, status, reason="", *, also=()):
        """Change status and record it in the history, atomically; ``also``: other fields the stage set, saved in the
        same statement (one round-trip a stage fewer)."""
        now = timezone.now()
        # Inside a stage's transaction no savepoint of its own (two round-trips fewer a stage).
        with transaction.atomic(savepoint=False):
            self.status = status
            self.status_changed_at = now
            fields = ["status", "status_changed_at", *also]
            if status == self.Status.FAILED:
                self.failure_reason = reason
                fields.append("failure_reason")
            self.save(update_fields=fields)
            self.history.create(status=status, reason=reason, at=now)

    def fail(self, code, reason):
        """Fail with a human-readable reason; the original stays stored."""
        self.failure_code = code
        self.move_to(self.Status.FAILED, reason, also=["failure_code"])


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
    text = EncryptedTextField(help_text="The original text, encrypted at rest (at_rest.py).")
    redacted_text = models.TextField(blank=True, help_text="The text with personal data replaced by placeholders.")
    method = models.CharField(max_length=20, help_text="text_layer, ocr, plain or docx")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_page_number")]


class DocumentType(models.Model):
    """A kind of document and the fields to extract from it (a JSON Schema; see extraction/doctypes)."""

    name = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    description = models.TextField(help_text="One or two sentences; the classifier reads it.")
    schema = models.JSONField(help_text="JSON Schema of the fields (x-personal, x-threshold, x-validators per field).")
    rules = models.JSONField(default=list, blank=True, help_text="Cross-field rules by name.")
    always_review = models.BooleanField(default=False, help_text="Every document of this type goes to a person.")
    thresholds = models.JSONField(default=dict, blank=True, help_text="Calibrated confidence thresholds per field.")
    active = models.BooleanField(default=True)
    # How many reviewer corrections of the type there were when its retraining was last scheduled:
    # automatic retraining starts again COLONY_RETRAIN_AFTER corrections later (retraining.py).
    corrections_at_retraining = models.PositiveIntegerField(default=0, editable=False)
    # The definition as it was last shipped (label, description, schema, rules): an upgrade brings a
    # shipped type up to date only while it still equals this, i.e. no admin has edited it.
    shipped = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.label

    def to_spec(self):
        from extraction.doctypes.registry import TypeSpec

        return TypeSpec(self.name, self.label, self.description, self.schema, list(self.rules),
                        self.always_review, dict(self.thresholds))


class ExampleDocument(models.Model):
    """A labelled text the classifier learns from: shipped examples and reviewers' corrections."""

    class Source(models.TextChoices):
        ADMIN = "admin", "Added by an admin"
        CORRECTION = "correction", "Reviewer correction"
        TRAINING = "training", "Labelled document a specialist was trained on"

    doc_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="examples")
    text = models.TextField(help_text="Redacted text of the example.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMIN)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    # With each example's id and type, tells a worker its cached examples are stale (processing.classifier_examples).
    updated_at = models.DateTimeField(auto_now=True)


class ExtractedField(models.Model):
    """One field's decision: value, evidence, how it was decided and whether a person must look."""

    class Status(models.TextChoices):
        # The words are the decision's own (extraction.validation.decision decides them).
        ACCEPTED = FieldStatus.ACCEPTED.value, "Accepted"
        NEEDS_REVIEW = FieldStatus.NEEDS_REVIEW.value, "Needs review"
        REJECTED = FieldStatus.REJECTED.value, "Rejected"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(max_length=100)
    value = EncryptedJSONField(null=True, help_text="Normalised value (a list for list fields), encrypted at rest.")
    raw = EncryptedJSONField(null=True, blank=True, help_text="The value as written in the document, encrypted at rest.")
    confidence = models.FloatField()
    evidence = models.JSONField(default=list, help_text='[{"page", "start", "end"}] into the page text.')
    method = models.CharField(max_length=10)
    validators = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices)
    reasons = models.JSONField(default=list, help_text="Why the field needs review.")
    candidates = EncryptedJSONField(default=list, help_text="The values considered, encrypted at rest.")
    personal = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["document", "name"], name="unique_field_per_document")]
