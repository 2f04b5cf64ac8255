"""The routing report: who settled the field decisions, what the models cost, how accurate auto-accepts are.

* **Shares.** Every ExtractedField of the documents received in the period is one decision.
  It was settled by ``rule``, ``slm`` or ``llm`` when that method's value was accepted without
  a person, by ``human`` when a reviewer decided it (a review FieldCorrection: accepted,
  corrected or rejected, or method ``human``); a value still waiting
  for a person (needs_review/rejected, not yet reviewed) is counted as ``human`` too, since a
  person will settle it, and reported separately as ``pending``.
* **Cost.** Tokens recorded in the audit log for the period's documents, priced with the model
  registry's relative ``cost_per_1k_tokens`` of the model that spent them. The baseline prices
  every document at the largest tier's cost, with the larger of its recorded tokens and the
  length of its text in tokens (about four characters a token), since a document that rules
  settled spent no tokens but would have been read whole by the larger model.
* **QC accuracy.** Documents flagged for review with the reason ``qc_sample`` are a random
  sample of otherwise automated work; among their fields the model had accepted itself (no
  review reasons) and a reviewer has since decided, the share the reviewer left as it was.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Sum, Value
from django.db.models.functions import Length, TruncDay, TruncWeek
from django.utils import timezone

from appliance.routing import reviews

METHODS = ("rule", "slm", "llm", "human")
QC_REASON = "qc_sample"
CHARS_PER_TOKEN = 4
BUCKETS = {"day": TruncDay, "week": TruncWeek}


def period(days: int = 30, end=None):
    end = end or timezone.now()
    return end - timedelta(days=days), end


def _documents(start, end):
    from appliance.documents.models import Document

    return Document.objects.filter(created_at__gte=start, created_at__lt=end)


def settled_by(method: str, status: str, reviewed: bool = False) -> str:
    if reviewed or method == reviews.HUMAN:
        return "human"
    if status == "accepted" and method in METHODS:
        return method
    if status == "accepted":
        return "slm"  # an unknown machine method: count it with the small models
    return "pending"


def _shares(counts: dict) -> dict:
    total = sum(counts.values())
    people = counts.get("human", 0) + counts.get("pending", 0)
    shares = {m: (counts.get(m, 0) / total if total else 0.0) for m in ("rule", "slm", "llm")}
    shares["human"] = people / total if total else 0.0
    return {k: round(v, 4) for k, v in shares.items()}


def decision_shares(start, end, bucket: str = "day") -> dict:
    from appliance.documents.models import ExtractedField

    trunc = BUCKETS.get(bucket, TruncDay)
    fields = ExtractedField.objects.filter(document__in=_documents(start, end)).annotate(
        bucket=trunc("document__created_at"))
    model = reviews.correction_model()
    if model is not None:
        fields = fields.annotate(reviewed=Exists(model.objects.filter(
            document_id=OuterRef("document_id"), field_name=OuterRef("name"))))
    else:
        fields = fields.annotate(reviewed=Value(False))
    rows = fields.values("bucket", "method", "status", "reviewed").annotate(n=Count("id"))
    totals: dict[str, int] = defaultdict(int)
    by_bucket: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        who = settled_by(row["method"], row["status"], row["reviewed"])
        totals[who] += row["n"]
        by_bucket[row["bucket"]][who] += row["n"]
    series = [
        {"period": key.date().isoformat() if hasattr(key, "date") else str(key),
         "counts": _counts(counts), "shares": _shares(counts), "decisions": sum(counts.values())}
        for key, counts in sorted(by_bucket.items(), key=lambda item: item[0])
    ]
    return {"decisions": sum(totals.values()), "counts": _counts(totals), "shares": _shares(totals), "series": series}


def _counts(counts) -> dict:
    return {k: int(counts.get(k, 0)) for k in ("rule", "slm", "llm", "human", "pending")}


# --- cost -----------------------------------------------------------------------------------

def _registry():
    from extraction.slm.registry import get_registry

    return get_registry()


def price_of(model: str, registry) -> float:
    """Relative cost per 1k tokens of the model an audit event names (0 for rules)."""
    if not model or model in ("rules", "presidio", "none"):
        return 0.0
    if model in registry:
        return float(registry.get(model).cost_per_1k_tokens)
    if model in ("encoder", "generator"):
        try:
            return float(registry.default(model).cost_per_1k_tokens)
        except Exception:  # noqa: BLE001 - a registry without that kind
            return 0.0
    try:
        return float(registry.default("generator").cost_per_1k_tokens)
    except Exception:  # noqa: BLE001
        return 0.0


def largest_tier(registry):
    """The priciest model of the largest tier present (llm if any, else slm)."""
    models = list(registry)
    llms = [m for m in models if m.tier == "llm"]
    pool = llms or [m for m in models if m.kind == "generator"] or models
    return max(pool, key=lambda m: m.cost_per_1k_tokens) if pool else None


def cost(start, end, registry=None) -> dict:
    from appliance.documents.models import Page
    from audit.models import AuditEvent

    registry = registry or _registry()
    documents = _documents(start, end)
    ids = list(documents.values_list("id", flat=True))
    events = (
        AuditEvent.objects.filter(document_id__in=ids, tokens__isnull=False)
        .values("document_id", "model")
        .annotate(tokens=Sum("tokens"))
    )
    by_model: dict[str, dict] = {}
    tokens_by_document: dict[str, int] = defaultdict(int)
    for row in events:
        price = price_of(row["model"], registry)
        entry = by_model.setdefault(row["model"] or "unknown", {"tokens": 0, "cost": 0.0, "cost_per_1k": price})
        entry["tokens"] += int(row["tokens"] or 0)
        entry["cost"] += (row["tokens"] or 0) / 1000 * price
        tokens_by_document[str(row["document_id"])] += int(row["tokens"] or 0)
    # The redacted text: what a model would read, and in clear (the original is encrypted at rest).
    text_chars = dict(
        Page.objects.filter(document_id__in=ids).values("document_id").annotate(chars=Sum(Length("redacted_text")))
        .values_list("document_id", "chars")
    )
    largest = largest_tier(registry)
    largest_price = float(largest.cost_per_1k_tokens) if largest else 0.0
    baseline_tokens = 0
    for document_id in ids:
        text_tokens = math.ceil((text_chars.get(document_id) or 0) / CHARS_PER_TOKEN)
        baseline_tokens += max(tokens_by_document.get(str(document_id), 0), text_tokens)
    actual = sum(entry["cost"] for entry in by_model.values())
    baseline = baseline_tokens / 1000 * largest_price
    return {
        "documents": len(ids),
        "tokens": sum(entry["tokens"] for entry in by_model.values()),
        "cost": round(actual, 4),
        "baseline_model": largest.name if largest else None,
        "baseline_tier": largest.tier if largest else None,
        "baseline_cost_per_1k": largest_price,
        "baseline_tokens": baseline_tokens,
        "baseline_cost": round(baseline, 4),
        "ratio": round(actual / baseline, 4) if baseline else None,
        "saving": round(1 - actual / baseline, 4) if baseline else None,
        "by_model": {name: {**entry, "cost": round(entry["cost"], 4)} for name, entry in sorted(by_model.items())},
    }


# --- quality-control sample ---------------------------------------------------------------

def qc_accuracy(start, end) -> dict:
    documents = [d.pk for d in _documents(start, end).only("id", "review_reasons")
                 if QC_REASON in (d.review_reasons or [])]
    recorded = reviews.correction_model() is not None
    decisions = reviews.latest_decisions(documents) if documents and recorded else []
    # The model had accepted these itself (no reasons): the sample measures automated work.
    automated = [row for row in decisions if not row["reasons"]]
    correct = sum(reviews.was_right(row["action"], row["before"], row["after"]) for row in automated)
    return {
        "documents": len(documents),
        "reviewed_documents": len({row["document_id"] for row in decisions}),
        "reviewed_fields": len(decisions),
        "auto_accepted_checked": len(automated),
        "correct": correct if recorded else None,
        "accuracy": round(correct / len(automated), 4) if automated else None,
        "corrections_recorded": recorded,
    }


def latest_calibration() -> dict | None:
    from appliance.routing.models import CalibrationRun

    run = CalibrationRun.objects.order_by("-created", "-id").first()
    return calibration_json(run) if run else None


def calibration_json(run, *, curves: bool = True) -> dict:
    data = {
        "id": run.pk,
        "created": run.created.isoformat(),
        "target": run.target,
        "min_samples": run.min_samples,
        "source": run.source,
        "source_detail": run.source_detail,
        "applied": run.applied,
        "overall": run.overall,
        "thresholds": run.thresholds,
        "fields": run.fields,
    }
    if curves:
        data["curves"] = run.curves
    return data


def routing_report(days: int = 30, bucket: str = "day", end=None) -> dict:
    start, end = period(days, end)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "days": days, "bucket": bucket},
        "decisions": decision_shares(start, end, bucket),
        "cost": cost(start, end),
        "qc": qc_accuracy(start, end),
    }
