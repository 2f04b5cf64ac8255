"""Loading the shipped document types into the database (migration and tests share this)."""


def load_default_types(apps=None):
    """Create the shipped types that are missing; an admin's edits to existing ones are kept."""
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
