"""The colony's learning curve on the routing dashboard: for every type with trained specialists,
each version's training size against its cross-validated accuracy, automation and auto-precision
(out-of-fold, as ``train_type`` and automatic retraining from reviewed documents report them) and
its accuracy on the documents held back from it."""
from appliance.documents.models import DocumentType
from extraction.fields.general import store


def learning_curves() -> dict[str, list[dict]]:
    """{type name: [one point per stored version, oldest first]} for the types that have any."""
    curves = {}
    for name in DocumentType.objects.filter(active=True).values_list("name", flat=True):
        points = [_point(meta) for meta in store.versions(name) if "error" not in meta]
        if points:
            curves[name] = points
    return curves


def _point(meta: dict) -> dict:
    fields = (meta.get("cv") or {}).get("fields") or {}
    values = sum(f.get("documents", 0) for f in fields.values())
    accepted = sum(f.get("automation", 0) * f.get("documents", 0) for f in fields.values())
    right = sum((f.get("auto_precision") or 0) * f.get("automation", 0) * f.get("documents", 0) for f in fields.values())
    return {
        "version": meta.get("version"),
        "trained_at": meta.get("trained_at"),
        "documents": int(meta.get("documents") or 0),
        "accuracy": (meta.get("cv") or {}).get("accuracy"),
        "automation": round(accepted / values, 4) if values else None,
        "auto_precision": round(right / accepted, 4) if accepted else None,
        "held_back_accuracy": meta.get("held_back_accuracy"),
        "promoted": bool(meta.get("promoted")),
        "status": meta.get("status", ""),
    }
