"""Calibration runs: the thresholds chosen, and the curves of automation against precision."""
from django.db import models
from django.utils import timezone


class CalibrationRun(models.Model):
    class Source(models.TextChoices):
        GOLD = "gold", "Gold file"
        REVIEWED = "reviewed", "Reviewed documents"

    created = models.DateTimeField(default=timezone.now, db_index=True)
    target = models.FloatField(help_text="Auto-precision each field's threshold was chosen to reach.")
    min_samples = models.PositiveIntegerField(default=20)
    source = models.CharField(max_length=20, choices=Source.choices)
    source_detail = models.CharField(max_length=255, blank=True, help_text="File names or the period reviewed.")
    curves = models.JSONField(default=dict, help_text='{"fields": {"type.field": [points]}, "overall": [points]}')
    thresholds = models.JSONField(default=dict, help_text="{doc_type: {field: threshold}} chosen by this run.")
    fields = models.JSONField(default=list, help_text="Per field: samples, previous and new threshold, status.")
    overall = models.JSONField(default=dict, help_text="Automation and precision at the chosen thresholds.")
    applied = models.BooleanField(default=False, help_text="Thresholds were written to the document types.")

    class Meta:
        ordering = ["-created", "-id"]
        get_latest_by = "created"

    def __str__(self):
        return f"Calibration {self.created:%Y-%m-%d %H:%M} ({self.source}, target {self.target})"


class TokenSpend(models.Model):
    """Tokens spent on a larger-model tier per day: the budget every worker process shares."""

    scope = models.CharField(max_length=200)
    day = models.DateField()
    tokens = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="unique_token_spend_per_day")]
