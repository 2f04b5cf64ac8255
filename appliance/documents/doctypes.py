"""Loading the shipped document types into the database, and bringing them up to date on upgrades."""
import copy
import logging

logger = logging.getLogger(__name__)

SHIPPED_KEYS = ("label", "description", "schema", "rules")


def load_default_types(apps=None):
    """Create the shipped types that are missing; an admin's edits to existing ones are kept.

    Migration 0004 calls this with the models as they were then (no ``shipped`` column);
    :func:`sync_default_types` is the one that also upgrades."""
    from extraction.doctypes.registry import default_types_data

    if apps is None:
        from django.apps import apps
    DocumentType = apps.get_model("documents", "DocumentType")
    for name, spec in default_types_data().items():
        DocumentType.objects.get_or_create(
            name=name,
            defaults={
                "label": spec["label"],
                "description": spec["description"],
                "schema": spec["schema"],
                "rules": spec.get("rules", []),
            },
        )


def _definition(source) -> dict:
    """Label, description, schema and rules of a shipped spec or a stored row, as an independent copy."""
    if isinstance(source, dict):
        found = {key: source.get(key, []) if key == "rules" else source[key] for key in SHIPPED_KEYS}
    else:
        found = {key: getattr(source, key) for key in SHIPPED_KEYS}
    return copy.deepcopy(found)


def sync_default_types(apps=None) -> dict[str, str]:
    """Create missing shipped types and bring the unedited ones up to the shipped definition.

    A type whose definition still equals what was shipped to it last (``shipped``) takes the new
    one: better thresholds and validators reach existing appliances. A type an admin has edited is
    kept as the admin left it. A type stored before ``shipped`` existed cannot tell, so what it holds
    is recorded as its baseline and kept. Returns name -> what happened, for the log."""
    from extraction.doctypes.registry import default_types_data

    if apps is None:
        from django.apps import apps
    DocumentType = apps.get_model("documents", "DocumentType")
    outcome = {}
    for name, spec in default_types_data().items():
        new = _definition(spec)
        row = DocumentType.objects.filter(name=name).first()
        if row is None:
            DocumentType.objects.create(name=name, shipped=new, **_definition(new))
            outcome[name] = "created"
        elif row.shipped is None:
            row.shipped = _definition(row)
            row.save(update_fields=["shipped"])
            outcome[name] = "baseline recorded"
        elif _definition(row) != row.shipped:
            outcome[name] = "kept: edited by an admin"
        elif row.shipped != new:
            for key, value in _definition(new).items():
                setattr(row, key, value)
            row.shipped = new
            row.save(update_fields=[*SHIPPED_KEYS, "shipped"])
            outcome[name] = "updated"
    changed = {name: what for name, what in outcome.items() if what != "baseline recorded"}
    if changed:
        logger.info("shipped document types: %s", ", ".join(f"{n} {w}" for n, w in sorted(changed.items())))
    return outcome


def sync_after_migrate(sender, apps=None, **kwargs):
    """post_migrate: every `manage.py migrate` (bin/start runs it) brings shipped types up to date;
    `manage.py flush` sends it too, without ``apps`` (the current models then).

    A migrate that stops before the ``shipped`` column exists (back to 0004, say) leaves the types alone."""
    if apps is None:
        from django.apps import apps
    try:
        DocumentType = apps.get_model("documents", "DocumentType")
    except LookupError:
        return
    if any(f.name == "shipped" for f in DocumentType._meta.get_fields()):
        sync_default_types(apps)
